{{ config(materialized='table') }}

{#- The cross-article merge rule. Two reports from different articles tell one real-world incident
    when they agree on
      place:  the same location (gazetteer id, or the same name), or the same district when one of
              them names only the district, sub-district, governorate or a region around it, or
              the same governorate when one names only the governorate (or its capital) and the
              other is the only such incident there, or the only one of the same sub-event type;
      day:    within one day, or within four days when either only knows the week;
      kind:   the same ACLED sub-event type (an air strike and a chemical attack are one kind here:
              the same attack is often reported both ways);
      actors: the same perpetrator, or one report names none.
    A report dated only to its month ("in early April", "this month") joins the one widely reported
    incident of its place and sub-event type that month (at least three in four of such reports
    dated to the day lie within a day of the most-reported day), as a coder codes it once; with
    two or more comparable incidents it stays apart.
    Incidents are the connected groups of such pairs (so three reports can chain), each named by
    its smallest report id. Reports with no day, week or month (undated, year) stay on their own. -#}

with recursive

reports as (

    select * from {{ ref('int_incident_reports_deduplicated') }}

),

dated as (

    select
        *,
        case
            when sub_event_type in ('Air/drone strike', 'Chemical weapon') then 'air'
            else coalesce(sub_event_type, '')
        end as kind_key,
        case date_precision when 'day' then 1 when 'week' then 4 end as date_slack,
        {{ name_key('location_name') }} as place_name_key,
        location_kind in ('admin1', 'admin2', 'admin3', 'region')
        or {{ name_key('location_name') }} = {{ name_key('admin1') }} as broad_place

    from reports
    where event_date is not null and date_precision in ('day', 'week', 'month')

),

pairs as (

    select
        a.incident_report_id as a_id,
        b.incident_report_id as b_id

    from dated as a
    inner join dated as b
        on
            a.incident_report_id < b.incident_report_id
            and a.date_slack is not null
            and b.date_slack is not null
            and a.document_id != b.document_id
            and a.kind_key = b.kind_key
            and coalesce(a.admin1, '') = coalesce(b.admin1, '')
            and abs(a.event_date - b.event_date) <= greatest(a.date_slack, b.date_slack)
    where
        (
            a.location_key = b.location_key
            or a.place_name_key = b.place_name_key
            or (a.admin2 = b.admin2 and (a.broad_place or b.broad_place))
        )
        and {{ actors_compatible('a', 'b') }}

),

governorate_pairs as (

    -- A report that names only the governorate ("an attack in Idlib") joins the one incident of its
    -- kind, day and actors at a named place there, or the one of its exact sub-event type (the
    -- chemical attack among a day's air strikes); with two or more such places it stays apart.
    select
        a.incident_report_id as a_id,
        b.incident_report_id as b_id,
        count(distinct b.location_key) over (partition by a.incident_report_id) as n_places,
        a.sub_event_type = b.sub_event_type as same_type,
        count(distinct case when a.sub_event_type = b.sub_event_type then b.location_key end)
            over (partition by a.incident_report_id) as n_same_type_places

    from dated as a
    inner join dated as b
        on
            a.document_id != b.document_id
            and a.date_slack is not null
            and b.date_slack is not null
            and a.broad_place
            and not b.broad_place
            and a.kind_key = b.kind_key
            and a.admin1 = b.admin1
            and abs(a.event_date - b.event_date) <= greatest(a.date_slack, b.date_slack)
    where {{ actors_compatible('a', 'b') }}

),

month_candidates as (

    -- the day-dated reports a month-dated one may join: same place and sub-event type that month
    select
        a.incident_report_id as a_id,
        b.incident_report_id as b_id,
        b.event_date

    from dated as a
    inner join dated as b
        on
            a.date_precision = 'month'
            and b.date_precision = 'day'
            and a.document_id != b.document_id
            and a.sub_event_type = b.sub_event_type
            and (a.location_key = b.location_key or a.place_name_key = b.place_name_key)
            and date_trunc('month', b.event_date) = date_trunc('month', a.event_date)
    where {{ actors_compatible('a', 'b') }}

),

month_peaks as (

    -- the most-reported day of each month-dated report's candidates (the earliest on a tie)
    select
        a_id,
        first(event_date order by n desc, event_date asc) as peak

    from (
        select
            a_id,
            event_date,
            count(*) as n
        from month_candidates
        group by a_id, event_date
    ) as days
    group by a_id

),

month_pairs as (

    -- joined when at least three in four of the candidates lie within a day of the peak: the month's
    -- one widely reported incident (a stray misdated report does not make it two)
    select
        c.a_id,
        c.b_id,
        abs(c.event_date - p.peak) <= 1 as near_peak,
        avg(case when abs(c.event_date - p.peak) <= 1 then 1.0 else 0.0 end)
            over (partition by c.a_id) as share_near_peak

    from month_candidates as c
    inner join month_peaks as p on c.a_id = p.a_id

),

all_pairs as (

    select
        a_id,
        b_id
    from pairs
    union all
    select
        a_id,
        b_id
    from governorate_pairs
    where n_places = 1 or (same_type and n_same_type_places = 1)
    union all
    select
        a_id,
        b_id
    from month_pairs
    where near_peak and share_near_peak >= 0.75

),

edges as (

    select
        a_id as source_id,
        b_id as target_id
    from all_pairs
    union all
    select
        b_id as source_id,
        a_id as target_id
    from all_pairs

),

-- Each report's component is the smallest report id it is connected to. The walk starts only
-- from reports with no smaller neighbour and enters only reports with a larger id than the one it
-- carries: the smallest id of a component is such a start and is never stopped, so it still
-- reaches every report of its component, while other starts stop early. (A walk from every report
-- into every report held the square of each incident's size: 3.9 million rows for 28,000
-- reports of a 10x benchmark corpus with one incident of 1,600 reports.)
walk (incident_report_id, component) as (

    select
        incident_report_id,
        incident_report_id as component
    from dated
    where not exists (
            select 1
            from edges
            where
                edges.target_id = dated.incident_report_id
                and edges.source_id < dated.incident_report_id
        )

    union

    select
        edges.target_id as incident_report_id,
        walk.component
    from walk
    inner join edges
        on
            walk.incident_report_id = edges.source_id
            and walk.component < edges.target_id

),

components as (

    select
        incident_report_id,
        min(component) as component

    from walk
    group by incident_report_id

),

dated_incidents as (

    select
        dated.* exclude (dated.kind_key, dated.date_slack, dated.place_name_key, dated.broad_place),
        substr(md5('incident|' || components.component), 1, 16) as incident_id

    from dated
    inner join components
        on dated.incident_report_id = components.incident_report_id

),

other_incidents as (

    select
        *,
        substr(md5('report|' || incident_report_id), 1, 16) as incident_id

    from reports
    where event_date is null or date_precision not in ('day', 'week', 'month')

)

select * from dated_incidents
union all by name
select * from other_incidents
