{{ config(materialized='table') }}

{%- set count_columns = [
    'killed', 'killed_low', 'killed_high', 'injured', 'injured_low', 'injured_high',
    'killed_children', 'killed_women', 'injured_children', 'injured_women', 'displaced'
] -%}

with

geocoded as (

    select * from {{ ref('int_casualty_frames_geocoded') }}
    where frame_type = 'casualty_event'

),

attributed as (

    select * from {{ ref('int_casualty_frames_attributed') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

counted as (

    select
        geocoded.frame_id,
        geocoded.document_id,
        geocoded.frame_index,
        geocoded.sentence_index,
        documents.source_uri,
        documents.source_name,
        documents.source_url,
        geocoded.published_date,
        geocoded.event_date,
        geocoded.date_precision,
        geocoded.date_text,
        geocoded.location_mention,
        geocoded.location_name,
        geocoded.location_id,
        geocoded.location_key,
        geocoded.location_kind,
        geocoded.admin1,
        geocoded.admin2,
        geocoded.latitude,
        geocoded.longitude,
        geocoded.geo_precision,
        geocoded.event_type,
        geocoded.sub_event_type,
        attributed.perpetrator,
        attributed.perpetrator_actor_id,
        attributed.perpetrator_actor_ids,
        {%- for column in count_columns %}
            {{ attr_int(column, 'geocoded.attrs') }} as {{ column }},
        {%- endfor %}
        coalesce({{ attr_bool('killed_vague', 'geocoded.attrs') }}, false) as killed_vague,
        coalesce({{ attr_bool('injured_vague', 'geocoded.attrs') }}, false) as injured_vague,
        {{ attr_text('victim_group', 'geocoded.attrs') }} as victim_group,
        {{ attr_int('count_divided_among', 'geocoded.attrs') }} as count_divided_among,
        {{ attr_text('reporting_source', 'geocoded.attrs') }} as reporting_source_actor_id,
        geocoded.evidence_text,
        geocoded.evidence_start_char,
        geocoded.evidence_end_char

    from geocoded
    left join attributed
        on geocoded.frame_id = attributed.frame_id
    inner join documents
        on geocoded.document_id = documents.document_id

),

place_kinds as (

    select * from {{ ref('place_kinds') }}

),

ranked as (

    -- The most informative frame first: one with a place, the most specific place, the most
    -- counts stated, the earliest.
    select
        counted.*,
        (
            {%- for column in count_columns %}
                (counted.{{ column }} is not null)::int{% if not loop.last %} +{% endif %}
            {%- endfor %}
        ) as n_counts_stated,
        row_number() over (
            partition by counted.document_id
            order by
                counted.location_mention is null asc,
                counted.geo_precision asc,
                coalesce(place_kinds.match_priority, 99) asc,
                n_counts_stated desc,
                counted.frame_index asc,
                counted.frame_id asc
        ) as report_rank

    from counted
    left join place_kinds
        on counted.location_kind = place_kinds.kind

),

pairs as (

    -- Two frames of one article are the same incident (a lead and the paragraph that details
    -- it) when they agree on the day (or both have none) and the kind of attack (or one names
    -- none), and either name the same place, or their places are compatible (one names none,
    -- or one is the governorate or district the other lies in) and so are their counts
    -- (equal, or one states none).
    select
        frame.frame_id,
        anchor.frame_id as anchor_frame_id,
        anchor.report_rank as anchor_rank

    from ranked as frame
    inner join ranked as anchor
        on
            frame.document_id = anchor.document_id
            and frame.report_rank >= anchor.report_rank
    where
        frame.frame_id = anchor.frame_id
        or (
            (frame.event_date = anchor.event_date or (frame.event_date is null and anchor.event_date is null))
            and (
                frame.sub_event_type = anchor.sub_event_type
                or frame.sub_event_type is null
                or anchor.sub_event_type is null
            )
            and (
                frame.location_key = anchor.location_key
                or (
                    (
                        frame.location_mention is null
                        or anchor.location_mention is null
                        or (frame.location_kind = 'admin1' and frame.admin1 = anchor.admin1)
                        or (anchor.location_kind = 'admin1' and anchor.admin1 = frame.admin1)
                        or (frame.location_kind = 'admin2' and frame.admin2 = anchor.admin2)
                        or (anchor.location_kind = 'admin2' and anchor.admin2 = frame.admin2)
                    )
                    and (
                        coalesce(frame.killed, frame.killed_low) = coalesce(anchor.killed, anchor.killed_low)
                        or coalesce(frame.killed, frame.killed_low) is null
                        or coalesce(anchor.killed, anchor.killed_low) is null
                    )
                    and (
                        coalesce(frame.injured, frame.injured_low) = coalesce(anchor.injured, anchor.injured_low)
                        or coalesce(frame.injured, frame.injured_low) is null
                        or coalesce(anchor.injured, anchor.injured_low) is null
                    )
                )
            )
        )

),

first_anchors as (

    select
        frame_id,
        arg_min(anchor_frame_id, anchor_rank) as anchor_frame_id

    from pairs
    group by frame_id

),

grouped as (

    -- Each frame joins its anchor's anchor, so short chains settle on one report.
    select
        ranked.*,
        anchors.anchor_frame_id as report_frame_id

    from ranked
    inner join first_anchors
        on ranked.frame_id = first_anchors.frame_id
    inner join first_anchors as anchors
        on first_anchors.anchor_frame_id = anchors.frame_id

)

select
    frame_id as incident_report_id,
    * exclude (n_counts_stated, report_rank, report_frame_id, {{ count_columns | join(', ') }}),
    {%- for column in count_columns %}
        coalesce({{ column }}, max({{ column }}) over same_report) as {{ column }},
    {%- endfor %}
    count(*) over same_report as n_frames

from grouped
window
    same_report as (
        partition by report_frame_id
    )
qualify frame_id = report_frame_id
