{#- Typed reads from the raw.frames attrs JSON object (absent key -> null). -#}
{% macro attr_int(key, column='attrs') -%}
    try_cast({{ column }} ->> '$.{{ key }}' as integer)
{%- endmacro %}

{% macro attr_double(key, column='attrs') -%}
    try_cast({{ column }} ->> '$.{{ key }}' as double)
{%- endmacro %}

{% macro attr_text(key, column='attrs') -%}
    nullif(trim({{ column }} ->> '$.{{ key }}'), '')
{%- endmacro %}

{% macro attr_bool(key, column='attrs') -%}
    try_cast({{ column }} ->> '$.{{ key }}' as boolean)
{%- endmacro %}

{% macro attr_list(key, column='attrs') -%}
    coalesce(try(from_json({{ column }} -> '$.{{ key }}', '["VARCHAR"]')), [])
{%- endmacro %}
