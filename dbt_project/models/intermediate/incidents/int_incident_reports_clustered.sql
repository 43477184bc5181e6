{{ config(materialized='table') }}

{#- The cross-article merge rule: reports of the same place (location_key: gazetteer id, else
    admin unit + name key), the same ACLED sub_event_type and event dates chained within one
    day of each other are one real-world incident. Undated reports stay incidents of their own. -#}

with

reports as (

    select * from {{ ref('int_incident_reports_deduplicated') }}

),

ordered as (

    select
        *,
        coalesce(sub_event_type, '') as sub_event_key,
        lag(event_date) over (
            partition by location_key, coalesce(sub_event_type, '')
            order by event_date, published_date, incident_report_id
        ) as previous_event_date

    from reports
    where event_date is not null

),

islands as (

    select
        *,
        sum(case when previous_event_date is null or event_date - previous_event_date > 1 then 1 else 0 end)
            over (
                partition by location_key, sub_event_key
                order by event_date, published_date, incident_report_id
                rows between unbounded preceding and current row
            )
            as island

    from ordered

),

dated_incidents as (

    select
        * exclude (sub_event_key, previous_event_date, island),
        substr(md5(
            location_key || '|' || sub_event_key || '|'
            || cast(min(event_date) over (partition by location_key, sub_event_key, island) as varchar)
        ), 1, 16) as incident_id

    from islands

),

undated_incidents as (

    select
        *,
        substr(md5('report|' || incident_report_id), 1, 16) as incident_id

    from reports
    where event_date is null

)

select * from dated_incidents
union all by name
select * from undated_incidents
