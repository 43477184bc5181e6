with

reports as (

    select * from {{ ref('int_incident_reports_clustered') }}

)

select
    incident_report_id,
    document_id,
    source_uri,
    source_name,
    source_url,
    published_date,
    event_date,
    date_precision,
    location_mention,
    location_name,
    location_id,
    admin1,
    admin2,
    latitude,
    longitude,
    geo_precision,
    event_type,
    sub_event_type,
    perpetrator,
    perpetrator_actor_id,
    -- The single best figure: the exact count, else the lower bound ("at least 21" -> 21);
    -- an attack that injured people and mentions no death killed no one (ACLED's 0), also
    -- when its share of a vague "dozens injured" is unknown.
    case
        when coalesce(killed, killed_low) is not null then coalesce(killed, killed_low)
        when (coalesce(injured, injured_low) is not null or injured_vague) and not killed_vague then 0
    end as killed,
    killed_low,
    killed_high,
    coalesce(injured, injured_low) as injured,
    injured_low,
    injured_high,
    killed_children,
    killed_women,
    injured_children,
    injured_women,
    evidence_text,
    evidence_start_char,
    evidence_end_char,
    incident_id,
    location_key,
    perpetrator_actor_ids,
    victim_group,
    displaced,
    reporting_source_actor_id,
    date_text,
    n_frames,
    killed_vague,
    injured_vague,
    count_divided_among

from reports
