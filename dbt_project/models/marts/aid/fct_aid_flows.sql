with

aid_flows as (

    select * from {{ ref('int_aid_flows_parsed') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

)

select
    aid_flows.frame_id as aid_flow_id,
    aid_flows.document_id,
    documents.source_uri,
    aid_flows.kind,
    aid_flows.crossing_name,
    aid_flows.crossing_id,
    aid_flows.from_country,
    aid_flows.to_area,
    aid_flows.agency,
    aid_flows.authorised_by,
    aid_flows.status,
    aid_flows.quantity,
    aid_flows.unit,
    aid_flows.share_pct,
    aid_flows.duration_days,
    aid_flows.event_date,
    aid_flows.period_start,
    aid_flows.period_start + (aid_flows.duration_days - 1) as period_end,
    aid_flows.evidence_text,
    aid_flows.evidence_start_char,
    aid_flows.evidence_end_char,
    aid_flows.published_date,
    aid_flows.date_precision,
    aid_flows.crossing_mention,
    aid_flows.crossings_count,
    aid_flows.duration_text,
    aid_flows.cause

from aid_flows
inner join documents
    on aid_flows.document_id = documents.document_id
