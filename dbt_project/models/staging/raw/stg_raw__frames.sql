with

source as (

    select * from {{ source('raw', 'frames') }}

),

renamed as (

    select
        frame_id,
        document_id,
        frame_type,
        frame_index,
        sentence_index,
        evidence_text,
        evidence_start_char,
        evidence_end_char,
        trigger as trigger_text,
        event_type,
        sub_event_type,
        nullif(trim(location_mention), '') as location_mention,
        nullif(trim(location_id), '') as location_id,
        nullif(trim(location_admin1_hint), '') as location_admin1_hint,
        location_start_char,
        date_text,
        date_kind,
        cast(date_year as integer) as date_year,
        cast(date_month as integer) as date_month,
        cast(date_day as integer) as date_day,
        cast(date_weekday as integer) as date_weekday,
        cast(date_offset_days as integer) as date_offset_days,
        nullif(trim(perpetrator_mention), '') as perpetrator_mention,
        nullif(trim(perpetrator_actor_id), '') as perpetrator_actor_id,
        cast(coalesce(attrs, '{}') as json) as attrs

    from source
    where {{ is_canonical_document() }}

)

select * from renamed
