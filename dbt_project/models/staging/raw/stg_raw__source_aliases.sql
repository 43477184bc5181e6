with

source as (

    select * from {{ source('raw', 'source_aliases') }}

),

renamed as (

    select
        source_uri,
        source_kind,
        content_hash,
        source_document_id,
        url as source_url,
        title,
        try_cast(published_date as date) as published_date,
        source_name,
        source_config,
        loaded_at

    from source

)

select * from renamed
