{#-
  Invariant: the column is a key: never null and never repeated. dbt's `unique` and `not_null`
  in one test (one query, one failures table): a failing row is a value that occurs more than
  once (n_records) or the null value (n_records: how many rows have no value).
-#}
{% test unique_not_null(model, column_name) %}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
