{#- Two reports' perpetrators do not contradict each other: the same actor among them, or one
    report names none (the cross-article merge's actor condition). -#}
{% macro actors_compatible(a, b) -%}
    (
        coalesce(len({{ a }}.perpetrator_actor_ids), 0) = 0
        or coalesce(len({{ b }}.perpetrator_actor_ids), 0) = 0
        or list_has_any({{ a }}.perpetrator_actor_ids, {{ b }}.perpetrator_actor_ids)
    )
{%- endmacro %}
