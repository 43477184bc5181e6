with

source as (

    select * from {{ source('raw', 'sentences') }}

),

renamed as (

    select
        document_id || ':' || cast(sentence_index as varchar) as sentence_id,
        document_id,
        sentence_index,
        start_char as sentence_start_char,
        end_char as sentence_end_char,
        text as sentence_text

    from source
    where {{ is_canonical_document() }}

)

select * from renamed
