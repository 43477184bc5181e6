with

source as (

    select * from {{ source('raw', 'entities') }}

),

renamed as (

    select
        document_id || ':' || cast(entity_index as varchar) as entity_id,
        document_id,
        entity_index,
        sentence_index,
        label as entity_label,
        text as entity_text,
        start_char as entity_start_char,
        end_char as entity_end_char,
        kb_id,
        origin as entity_origin

    from source
    where {{ is_canonical_document() }}

)

select * from renamed
