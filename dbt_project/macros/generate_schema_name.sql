{#- Schemas are exactly staging, intermediate, marts and reference: a custom schema is used
    as is, not prefixed with the target schema (dbt's default would give main_staging). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
