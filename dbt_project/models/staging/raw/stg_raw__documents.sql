with

source as (

    select
        *,
        count(*) over (partition by text_hash) as n_sources,
        {{ canonical_document_rank() }} as canonical_rank

    from {{ source('raw', 'documents') }}

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
        encoding,
        n_sources,
        loaded_at

    from source
    where canonical_rank = 1

)

select * from renamed
