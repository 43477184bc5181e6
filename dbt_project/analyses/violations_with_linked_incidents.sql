-- Ceasefire violations with the agreement they were linked to and, for single events, the
-- incident report that tells the same event (its place and counts).
select
    agreements.name as agreement,
    agreements.start_date as agreement_start,
    violations.kind,
    violations.event_date,
    violations.violations_low,
    violations.killed,
    reports.location_name,
    reports.admin1,
    violations.evidence_text
from {{ ref('fct_ceasefire_violations') }} as violations
left join {{ ref('dim_ceasefire_agreements') }} as agreements
    on violations.agreement_id = agreements.agreement_id
left join {{ ref('fct_incident_reports') }} as reports
    on violations.incident_report_id = reports.incident_report_id
order by agreements.start_date nulls last, violations.event_date nulls last, violations.violation_id
