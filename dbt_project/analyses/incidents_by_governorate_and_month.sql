-- Incidents, deaths and injuries per governorate and month (dated incidents only), with how
-- many articles reported them: the table behind most "how violent was X in month Y" questions.
select
    admin1,
    date_trunc('month', event_date) as month,
    count(*) as incidents,
    sum(killed_best) as killed,
    sum(injured_best) as injured,
    sum(n_documents) as reports
from {{ ref('fct_incidents') }}
where event_date is not null
group by admin1, date_trunc('month', event_date)
order by month, admin1
