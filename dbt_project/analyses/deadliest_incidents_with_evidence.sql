-- The ten deadliest incidents, each with the sentence it was read from and the article's title:
-- what to read first, and what to check before quoting a number.
select
    incidents.event_date,
    incidents.location_name,
    incidents.admin1,
    incidents.sub_event_type,
    incidents.perpetrator,
    incidents.killed_low,
    incidents.killed_best,
    incidents.killed_high,
    incidents.n_documents,
    documents.title,
    incidents.evidence_text
from {{ ref('fct_incidents') }} as incidents
left join {{ ref('dim_documents') }} as documents
    on incidents.evidence_document_id = documents.document_id
order by coalesce(incidents.killed_best, 0) desc, incidents.event_date asc, incidents.incident_id asc
limit 10
