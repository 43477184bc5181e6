with

violations as (

    select * from {{ ref('int_ceasefire_violations_linked') }}

),

documents as (

    select * from {{ ref('stg_raw__documents') }}

)

select
    violations.violation_id,
    violations.document_id,
    documents.source_uri,
    violations.agreement_id,
    violations.kind,
    violations.violators,
    violations.event_date,
    violations.period_start,
    violations.period_end,
    violations.violations_low,
    violations.killed,
    violations.injured,
    violations.incident_report_id,
    violations.evidence_text,
    violations.evidence_start_char,
    violations.evidence_end_char,
    violations.published_date,
    violations.date_precision,
    violations.violator_actor_ids,
    violations.period_days,
    violations.killed_low,
    violations.killed_children,
    violations.killed_women,
    violations.displaced_low,
    violations.agreement_link_rule

from violations
inner join documents
    on violations.document_id = documents.document_id
