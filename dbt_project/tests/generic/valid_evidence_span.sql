{#- Invariant: every row carries evidence text and a non-empty, non-negative span. -#}
{% test valid_evidence_span(model, text='evidence_text', start='evidence_start_char', end='evidence_end_char') %}
select *
from {{ model }}
where
    {{ text }} is null
    or {{ start }} is null
    or {{ start }} < 0
    or {{ end }} <= {{ start }}
{% endtest %}
