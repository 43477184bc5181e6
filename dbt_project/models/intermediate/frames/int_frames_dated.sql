{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='document_id',
        on_schema_change='append_new_columns',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where document_id in (select document_id from {{ ref('stg_raw__documents') }} where loaded_at >= (select coalesce(max(document_loaded_at), '1900-01-01') from {{ this }})){% endif %}"
    )
}}

{#- Incremental by document: the loader replaces all of a document's frames and stamps the
    document's loaded_at, so every document loaded since the last run is deleted here and its
    frames inserted again (a frame that disappeared on reload disappears here too). The
    pre-hook deletes the reloaded documents' rows first: delete+insert alone deletes only the
    documents that still have a frame, so a document reloaded with none kept its old ones. -#}

with

frames as (

    select * from {{ ref('stg_raw__frames') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

    {% if is_incremental() %}
        where loaded_at >= (select coalesce(max(document_loaded_at), '1900-01-01') from {{ this }})
    {% endif %}

),

frame_types as (

    select * from {{ ref('frame_types') }}

),

joined as (

    select
        frames.*,
        documents.published_date,
        documents.loaded_at as document_loaded_at,
        coalesce(frame_types.dates_default_to_publication, false) as dates_default_to_publication,
        {{ resolve_event_date(
            'frames.date_kind', 'frames.date_year', 'frames.date_month', 'frames.date_day',
            'frames.date_weekday', 'frames.date_offset_days', 'documents.published_date'
        ) }} as stated_date

    from frames
    inner join documents
        on frames.document_id = documents.document_id
    left join frame_types
        on frames.frame_type = frame_types.frame_type

),

dated as (

    select
        * exclude (stated_date, dates_default_to_publication),
        case
            when date_kind is null and dates_default_to_publication then published_date
            else stated_date
        end as event_date,
        case
            when date_kind is null and dates_default_to_publication and published_date is not null
                then 'week'
            -- the NLP resolves dates itself where it knows the report's date (dateline or
            -- manifest) and says how precise the day is ('week' when the text gives no day)
            when stated_date is not null and {{ attr_text('date_precision') }} in ('day', 'week', 'month', 'year')
                then {{ attr_text('date_precision') }}
            else {{ resolve_date_precision('date_kind', 'stated_date') }}
        end as date_precision

    from joined

),

deduplicated as (

    select * from dated
    qualify row_number() over (partition by frame_id order by document_loaded_at desc) = 1

)

select * from deduplicated
