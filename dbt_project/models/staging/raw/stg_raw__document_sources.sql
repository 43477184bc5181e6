with

source as (

    select
        *,
        first_value(document_id) over (
            partition by text_hash order by {{ canonical_document_order() }}
        ) as canonical_document_id

    from {{ source('raw', 'documents') }}

),

renamed as (

    select
        canonical_document_id as document_id,
        document_id as source_document_id,
        source_uri,
        source_kind,
        url as source_url,
        source_name,
        title,
        try_cast(published_date as date) as published_date,
        content_hash,
        text_hash,
        encoding,
        loaded_at

    from source

)

select * from renamed
