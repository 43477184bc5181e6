with

source as (

    select * from {{ source('raw', 'ingest_errors') }}

),

renamed as (

    select
        error_id,
        source_uri,
        stage as error_stage,
        error_class,
        message as error_message,
        source_config,
        content_hash,
        loaded_at

    from source

)

select * from renamed
