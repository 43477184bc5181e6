with

source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select
        document_id,
        source_uri,
        source_kind,
        text as document_text,
        content_hash,
        text_hash,
        extractor,
        url as source_url,
        title,
        try_cast(published_date as date) as published_date,
        published_date_source,
        source_name,
        language,
        word_count,
        pipeline_version,
        loaded_at

    from source

)

select * from renamed
