with

reports as (

    select * from {{ ref('int_incident_reports_clustered') }}

)

select
    incident_id || ':' || incident_report_id as bridge_id,
    incident_id,
    incident_report_id,
    document_id

from reports
