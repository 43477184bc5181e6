{#- A spelling- and transliteration-tolerant key for names: lower case, accents stripped,
    everything but letters and digits removed ("Ma'arat al-Nu'man" = "Maarat al-Numan"). -#}
{% macro name_key(expression) -%}
    nullif(regexp_replace(lower(strip_accents({{ expression }})), '[^a-z0-9]', '', 'g'), '')
{%- endmacro %}
