with

geocoded as (

    select * from {{ ref('int_casualty_frames_geocoded') }}
    where frame_type = 'casualty_tally'

),

attributed as (

    select * from {{ ref('int_casualty_frames_attributed') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

parsed as (

    select
        geocoded.frame_id as tally_id,
        geocoded.document_id,
        documents.source_uri,
        documents.source_name,
        geocoded.published_date,
        {{ attr_text('scope', 'geocoded.attrs') }} as scope,
        {{ attr_text('period_text', 'geocoded.attrs') }} as period_text,
        {{ attr_int('period_days', 'geocoded.attrs') }} as period_days,
        {{ attr_text('since', 'geocoded.attrs') }} as since_text,
        geocoded.event_date,
        geocoded.date_precision,
        geocoded.location_mention,
        geocoded.location_name,
        geocoded.location_id,
        geocoded.admin1,
        geocoded.admin2,
        attributed.perpetrator,
        attributed.perpetrator_actor_id,
        {{ attr_text('victim_group', 'geocoded.attrs') }} as victim_group,
        {{ attr_int('killed', 'geocoded.attrs') }} as killed,
        {{ attr_int('killed_low', 'geocoded.attrs') }} as killed_low,
        {{ attr_int('killed_high', 'geocoded.attrs') }} as killed_high,
        {{ attr_int('injured', 'geocoded.attrs') }} as injured,
        {{ attr_int('injured_low', 'geocoded.attrs') }} as injured_low,
        {{ attr_int('injured_high', 'geocoded.attrs') }} as injured_high,
        {{ attr_int('killed_children', 'geocoded.attrs') }} as killed_children,
        {{ attr_int('killed_women', 'geocoded.attrs') }} as killed_women,
        {{ attr_int('displaced', 'geocoded.attrs') }} as displaced,
        geocoded.evidence_text,
        geocoded.evidence_start_char,
        geocoded.evidence_end_char

    from geocoded
    left join attributed
        on geocoded.frame_id = attributed.frame_id
    inner join documents
        on geocoded.document_id = documents.document_id

)

select
    tally_id,
    document_id,
    source_uri,
    source_name,
    published_date,
    scope,
    period_text,
    period_days,
    since_text,
    -- A period tally ends at publication ("in the last 45 days"); its start is the stated
    -- "since" date, else publication minus the period's length.
    case
        when period_days is not null then published_date - period_days
        when scope = 'period' and date_precision <> 'unknown' then event_date
    end as period_start,
    case when scope = 'period' then published_date end as period_end,
    event_date,
    date_precision,
    location_mention,
    location_name,
    location_id,
    admin1,
    admin2,
    perpetrator,
    perpetrator_actor_id,
    victim_group,
    killed,
    killed_low,
    killed_high,
    injured,
    injured_low,
    injured_high,
    killed_children,
    killed_women,
    displaced,
    evidence_text,
    evidence_start_char,
    evidence_end_char

from parsed
