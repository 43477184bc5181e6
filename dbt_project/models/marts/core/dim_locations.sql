with

places as (

    select * from {{ ref('places') }}

),

reports as (

    select * from {{ ref('int_incident_reports_clustered') }}

),

gazetteer as (

    select
        location_id,
        location_id as location_key,
        name,
        kind,
        admin1,
        admin1_pcode,
        admin2,
        admin2_pcode,
        admin3,
        latitude,
        longitude,
        aliases,
        source,
        true as is_resolved

    from places

),

unresolved as (

    -- Mentions the gazetteer does not know, as the incident reports use them.
    select
        cast(null as varchar) as location_id,
        location_key,
        arg_min(location_mention, incident_report_id) as name,
        'unresolved' as kind,
        arg_min(admin1, incident_report_id) as admin1,
        cast(null as varchar) as admin1_pcode,
        arg_min(admin2, incident_report_id) as admin2,
        cast(null as varchar) as admin2_pcode,
        cast(null as varchar) as admin3,
        arg_min(latitude, incident_report_id) as latitude,
        arg_min(longitude, incident_report_id) as longitude,
        string_agg(distinct location_mention, '|' order by location_mention) as aliases,
        'incident reports' as source,
        false as is_resolved

    from reports
    where location_id is null
    group by location_key

)

select * from gazetteer
union all
select * from unresolved
