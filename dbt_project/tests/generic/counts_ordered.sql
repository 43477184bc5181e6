{#- Invariant: low <= value <= high wherever the values are present. -#}
{% test counts_ordered(model, column_name, low, high) %}
select *
from {{ model }}
where
    {{ low }} > {{ column_name }}
    or {{ column_name }} > {{ high }}
    or {{ low }} > {{ high }}
{% endtest %}
