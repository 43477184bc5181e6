{{ config(materialized='table') }}

{#- Each violation is tied to the agreement it breaches, first rule that finds one wins:
      1. the agreement the text names (attrs.agreement_hint: its year/month/day or its name),
         preferring a mention in the same document, then the latest start;
      2. the latest agreement mentioned in the same document that started on or before the
         violation (any, if the violation has no date);
      3. across documents, the agreement in force then: the latest one started on or before it.
    An event violation is also tied to the incident report it describes: the report whose
    evidence contains attrs.casualty_evidence_start_char, else the nearest report in the same
    or an adjacent sentence of the same document. -#}

with

frames as (

    select * from {{ ref('int_frames_dated') }}
    where frame_type = 'ceasefire_violation'

),

actor_names as (

    select * from {{ ref('int_ceasefire_actor_names_normalised') }}
    where actor_role = 'violators'

),

agreement_mentions as (

    select * from {{ ref('int_ceasefire_agreements_deduplicated') }}

),

reports as (

    select * from {{ ref('int_incident_reports_clustered') }}

),

violators as (

    select
        frame_id,
        list(actor_name order by actor_position) as violators,
        list(actor_id order by actor_position) filter (where actor_id is not null) as violator_actor_ids

    from actor_names
    group by frame_id

),

parsed as (

    select
        frames.frame_id as violation_id,
        frames.document_id,
        frames.sentence_index,
        frames.published_date,
        coalesce({{ attr_text('kind', 'frames.attrs') }}, 'event') as kind,
        coalesce(violators.violators, []) as violators,
        coalesce(violators.violator_actor_ids, []) as violator_actor_ids,
        {{ attr_int('violations_low', 'frames.attrs') }} as violations_low,
        {{ attr_int('period_days', 'frames.attrs') }} as period_days,
        {{ attr_int('killed', 'frames.attrs') }} as killed_stated,
        {{ attr_int('killed_low', 'frames.attrs') }} as killed_low,
        {{ attr_int('injured', 'frames.attrs') }} as injured,
        {{ attr_int('killed_children', 'frames.attrs') }} as killed_children,
        {{ attr_int('killed_women', 'frames.attrs') }} as killed_women,
        {{ attr_int('displaced_low', 'frames.attrs') }} as displaced_low,
        {{ attr_int('casualty_evidence_start_char', 'frames.attrs') }} as casualty_evidence_start_char,
        {{ attr_int('agreement_hint.year', 'frames.attrs') }} as hint_year,
        {{ attr_int('agreement_hint.month', 'frames.attrs') }} as hint_month,
        {{ attr_int('agreement_hint.day', 'frames.attrs') }} as hint_day,
        {{ name_key(attr_text('agreement_hint.name', 'frames.attrs')) }} as hint_name_key,
        frames.event_date as stated_event_date,
        frames.date_precision,
        frames.evidence_text,
        frames.evidence_start_char,
        frames.evidence_end_char

    from frames
    left join violators
        on frames.frame_id = violators.frame_id

),

dated as (

    select
        *,
        case when kind = 'event' then stated_event_date end as event_date,
        -- An aggregate ("N times in the last M days") runs up to publication.
        case when kind = 'aggregate' and period_days is not null then published_date end as period_end,
        coalesce(killed_stated, killed_low) as killed

    from parsed

),

violations as (

    select
        *,
        period_end - period_days as period_start,
        coalesce(event_date, period_end, stated_event_date, published_date) as reference_date

    from dated

),

agreement_candidates as (

    select
        violations.violation_id,
        agreement_mentions.agreement_id,
        case
            when
                (
                    violations.hint_year is not null
                    and year(agreement_mentions.start_date) = violations.hint_year
                    and (violations.hint_month is null or month(agreement_mentions.start_date) = violations.hint_month)
                    and (
                        violations.hint_day is null
                        or (
                            agreement_mentions.date_precision = 'day'
                            and day(agreement_mentions.start_date) = violations.hint_day
                        )
                    )
                )
                or (violations.hint_name_key is not null and violations.hint_name_key = agreement_mentions.name_key)
                then 1
            when
                agreement_mentions.document_id = violations.document_id
                and (
                    violations.reference_date is null
                    or agreement_mentions.start_date is null
                    or agreement_mentions.start_date <= violations.reference_date
                )
                then 2
            when agreement_mentions.start_date <= violations.reference_date
                then 3
        end as link_rule,
        agreement_mentions.document_id = violations.document_id as same_document,
        agreement_mentions.start_date,
        agreement_mentions.mention_order

    from violations
    cross join agreement_mentions

),

linked_agreements as (

    select
        violation_id,
        agreement_id,
        link_rule as agreement_link_rule

    from agreement_candidates
    where link_rule is not null
    qualify row_number() over (
            partition by violation_id
            order by
                link_rule asc, same_document desc, start_date desc nulls last, mention_order desc,
                agreement_id asc
        ) = 1

),

linked_reports as (

    -- 1 the report holding attrs.casualty_evidence_start_char, 2 a report in the same or an
    -- adjacent sentence, 3 a report of the same document within a day of the violation whose
    -- perpetrators overlap the violators; the nearest sentence wins within a rule.
    select
        violations.violation_id,
        reports.incident_report_id,
        reports.event_date as report_event_date,
        reports.date_precision as report_date_precision,
        reports.killed as report_killed,
        reports.injured as report_injured

    from violations
    inner join reports
        on violations.document_id = reports.document_id
    where
        violations.kind = 'event'
        and (
            violations.casualty_evidence_start_char between reports.evidence_start_char
            and reports.evidence_end_char - 1
            or abs(violations.sentence_index - reports.sentence_index) <= 1
            or (
                abs(violations.reference_date - reports.event_date) <= 1
                and (
                    len(violations.violator_actor_ids) = 0
                    or len(reports.perpetrator_actor_ids) = 0
                    or len(list_intersect(violations.violator_actor_ids, reports.perpetrator_actor_ids)) > 0
                )
            )
        )
    qualify row_number() over (
            partition by violations.violation_id
            order by
                coalesce(
                    violations.casualty_evidence_start_char between reports.evidence_start_char
                    and reports.evidence_end_char - 1,
                    false
                ) desc,
                abs(violations.sentence_index - reports.sentence_index) <= 1 desc,
                abs(violations.sentence_index - reports.sentence_index) asc,
                abs(violations.evidence_start_char - reports.evidence_start_char) asc,
                reports.incident_report_id asc
        ) = 1

),

linked as (

    -- An event violation that is an incident takes the incident's date and counts where it
    -- states none itself.
    select
        violations.* replace (
            coalesce(violations.killed, linked_reports.report_killed) as killed,
            coalesce(violations.injured, linked_reports.report_injured) as injured,
            case
                when violations.date_precision in ('day', 'month', 'year') then violations.event_date
                else coalesce(linked_reports.report_event_date, violations.event_date)
            end as event_date,
            case
                when violations.date_precision in ('day', 'month', 'year') then violations.date_precision
                else coalesce(linked_reports.report_date_precision, violations.date_precision)
            end as date_precision
        ),
        linked_agreements.agreement_id,
        linked_agreements.agreement_link_rule,
        linked_reports.incident_report_id

    from violations
    left join linked_agreements
        on violations.violation_id = linked_agreements.violation_id
    left join linked_reports
        on violations.violation_id = linked_reports.violation_id

)

select * exclude (killed_stated, stated_event_date, reference_date)
from linked
