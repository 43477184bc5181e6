{#- Counts across the reports of one incident:
      *_low  = the smallest figure any report gives (exact or lower bound)
      *_best = the lower median of the exact figures (a figure some report actually gives,
               conservative like ACLED's); with no exact figure, the largest lower bound
      *_high = the largest exact figure or upper bound (never below best)
    Victim subsets (children, women) take the largest figure any report gives. -#}

with

reports as (

    select * from {{ ref('int_incident_reports_clustered') }}

),

date_precisions as (

    select * from {{ ref('date_precisions') }}

),

ranked as (

    select
        reports.*,
        coalesce(date_precisions.precision_rank, 99) as precision_rank,
        row_number() over (
            partition by reports.incident_id
            order by
                reports.published_date nulls last, reports.document_id, reports.evidence_start_char,
                -- two reports can share a sentence: the id makes the order total, not the scan's
                reports.incident_report_id
        ) as report_order

    from reports
    left join date_precisions
        on reports.date_precision = date_precisions.date_precision

),

aggregated as (

    select
        incident_id,
        count(*) as n_reports,
        count(distinct document_id) as n_documents,
        min(published_date) as first_published_date,
        arg_min(event_date, [precision_rank, report_order]) as event_date,
        arg_min(date_precision, [precision_rank, report_order]) as date_precision,
        arg_min(location_name, [coalesce(geo_precision, 9), report_order]) as location_name,
        arg_min(location_id, [coalesce(geo_precision, 9), report_order]) as location_id,
        arg_min(location_key, [coalesce(geo_precision, 9), report_order]) as location_key,
        arg_min(admin1, [coalesce(geo_precision, 9), report_order]) as admin1,
        arg_min(admin2, [coalesce(geo_precision, 9), report_order]) as admin2,
        arg_min(latitude, [coalesce(geo_precision, 9), report_order]) as latitude,
        arg_min(longitude, [coalesce(geo_precision, 9), report_order]) as longitude,
        min(geo_precision) as geo_precision,
        arg_min(event_type, report_order) as event_type,
        arg_min(sub_event_type, report_order) as sub_event_type,
        arg_min(perpetrator, report_order) filter (where perpetrator is not null) as perpetrator,
        arg_min(perpetrator_actor_id, report_order) filter (
            where perpetrator_actor_id is not null
        ) as perpetrator_actor_id,
        min(coalesce(killed, killed_low)) as killed_low,
        coalesce(quantile_disc(killed, 0.5), max(killed_low)) as killed_best,
        max(coalesce(killed_high, killed)) as killed_high_stated,
        min(coalesce(injured, injured_low)) as injured_low,
        coalesce(quantile_disc(injured, 0.5), max(injured_low)) as injured_best,
        max(coalesce(injured_high, injured)) as injured_high_stated,
        max(killed_children) as killed_children,
        max(killed_women) as killed_women,
        max(injured_children) as injured_children,
        max(injured_women) as injured_women,
        list(incident_report_id order by report_order) as incident_report_ids,
        list(distinct document_id order by document_id) as document_ids,
        arg_min(document_id, report_order) as evidence_document_id,
        arg_min(evidence_text, report_order) as evidence_text,
        arg_min(evidence_start_char, report_order) as evidence_start_char,
        arg_min(evidence_end_char, report_order) as evidence_end_char

    from ranked
    group by incident_id

)

select
    incident_id,
    n_reports,
    n_documents,
    first_published_date,
    event_date,
    date_precision,
    location_name,
    location_id,
    location_key,
    admin1,
    admin2,
    latitude,
    longitude,
    geo_precision,
    event_type,
    sub_event_type,
    perpetrator,
    perpetrator_actor_id,
    killed_low,
    killed_best,
    case when killed_high_stated is not null then greatest(killed_high_stated, killed_best) end as killed_high,
    injured_low,
    injured_best,
    case when injured_high_stated is not null then greatest(injured_high_stated, injured_best) end as injured_high,
    killed_children,
    killed_women,
    injured_children,
    injured_women,
    list_sort(document_ids) as document_ids,
    incident_report_ids,
    evidence_document_id,
    evidence_text,
    evidence_start_char,
    evidence_end_char

from aggregated
