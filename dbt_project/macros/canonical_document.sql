{#- One document per content: articles whose extracted text is identical (text_hash) are one
    document: the first source with a publication date, by source_uri; the others stay in raw.documents and are
    listed in dim_document_sources, but their sentences, entities and frames are not used,
    so the same report carried under two names never becomes two incidents. -#}
{% macro canonical_document_order() -%}
    published_date is null, source_uri, document_id
{%- endmacro %}

{% macro canonical_document_rank() -%}
    row_number() over (partition by text_hash order by {{ canonical_document_order() }})
{%- endmacro %}

{% macro is_canonical_document(column='document_id') -%}
    {{ column }} in (
        select document_id from {{ source('raw', 'documents') }}
        qualify {{ canonical_document_rank() }} = 1
    )
{%- endmacro %}
