-- Every mart row's evidence is the document's text at its offsets:
-- substring(text, start + 1, end - start) = evidence_text (Python's text[start:end]).
{%- set marts = [
    ('fct_incident_reports', 'incident_report_id', 'document_id'),
    ('fct_incidents', 'incident_id', 'evidence_document_id'),
    ('fct_casualty_tallies', 'tally_id', 'document_id'),
    ('fct_aid_flows', 'aid_flow_id', 'document_id'),
    ('fct_ceasefire_violations', 'violation_id', 'document_id'),
    ('dim_ceasefire_agreements', 'agreement_id', 'first_document_id'),
] %}

with

evidence as (

    {%- for mart, id_column, document_column in marts %}
        select
            '{{ mart }}' as mart,
            {{ id_column }} as row_id,
            {{ document_column }} as document_id,
            evidence_text,
            evidence_start_char,
            evidence_end_char

        from {{ ref(mart) }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

documents as (

    select * from {{ ref('dim_documents') }}

)

select
    evidence.*,
    substring(documents.text, evidence.evidence_start_char + 1, evidence.evidence_end_char - evidence.evidence_start_char)
        as text_at_offsets

from evidence
left join documents
    on evidence.document_id = documents.document_id
where
    documents.document_id is null
    or substring(
        documents.text, evidence.evidence_start_char + 1, evidence.evidence_end_char - evidence.evidence_start_char
    ) is distinct from evidence.evidence_text
