-- The benchmark's caseload, made in the database (see bench_queue.py). Parameters are
-- psycopg named placeholders, so a literal percent sign is written twice.
WITH numbered AS (
  SELECT g,
         1 + (g::bigint * 7919) %% cardinality(%(types)s::text[]) AS p,
         ((g::bigint * 104729) %% 1095)::int AS age_days
  FROM generate_series(1, %(count)s) AS g
), shaped AS (
  SELECT g, p, age_days,
         (%(types)s::text[])[p] AS kind,
         (%(dwellings)s::int[])[p] AS dwellings,
         (%(categories)s::text[])[p] AS category,
         (%(codes)s::text[])[p] AS code,
         (%(weeks)s::int[])[p] AS weeks,
         current_date - age_days AS received,
         CASE WHEN age_days < 90 THEN
                CASE WHEN g %% 10 = 0 THEN 'received' WHEN g %% 41 = 0 THEN 'withdrawn' ELSE 'valid' END
              ELSE CASE WHEN g %% 37 = 0 THEN 'withdrawn' ELSE 'determined' END
         END AS status
  FROM numbered
), dated AS (
  SELECT *,
         CASE WHEN status = 'received' THEN NULL ELSE received + 3 END AS valid
  FROM shaped
)
INSERT INTO planning_planningapplication (
  council_id, reference, application_type, description, address, uprn, site, site_area_m2,
  received_date, valid_date, status, proposed_dwellings, floorspace_m2, eia_required,
  project_types, extension_of_time_until, performance_agreement, decision_date, decision,
  decision_level, withdrawn_date, assigned_officer_id, revision, last_activity_at,
  last_activity, category, ps2_code, statutory_deadline, determination_deadline,
  reported_constraints, source_format, created_at, updated_at)
SELECT %(council)s,
       'BEN/' || lpad(g::text, 6, '0'),
       kind,
       (%(descriptions)s::text[])[1 + g %% cardinality(%(descriptions)s::text[])],
       (1 + g %% 300) || ' ' || (%(streets)s::text[])[1 + g %% cardinality(%(streets)s::text[])]
         || ', London SE' || (1 + g %% 27) || ' ' || (g %% 9) || chr(65 + g %% 26) || chr(65 + (g / 26) %% 26),
       '',
       ST_Multi(ST_MakeEnvelope(530000 + (g %% 400) * 15, 175000 + (g / 400) %% 400 * 15,
                                530000 + (g %% 400) * 15 + 12, 175000 + (g / 400) %% 400 * 15 + 20, 27700)),
       240,
       received, valid, status, dwellings, NULL, false, '[]'::jsonb, NULL, false,
       CASE WHEN status = 'determined' THEN valid + (20 + g %% 80) END,
       CASE WHEN status = 'determined' THEN (CASE WHEN g %% 9 = 0 THEN 'refused' ELSE 'granted' END) ELSE '' END,
       CASE WHEN status = 'determined' THEN (CASE WHEN g %% 23 = 0 THEN 'committee' ELSE 'delegated' END) ELSE '' END,
       CASE WHEN status = 'withdrawn' THEN received + 30 END,
       CASE WHEN g %% 9 = 0 THEN NULL ELSE (%(officers)s::bigint[])[1 + g %% cardinality(%(officers)s::bigint[])] END,
       0,
       now() - make_interval(days => age_days / 2),
       'Triage v1 finished',
       category, code,
       CASE WHEN valid IS NULL THEN NULL ELSE valid + weeks * 7 END,
       CASE WHEN valid IS NULL THEN NULL ELSE valid + weeks * 7 END,
       '[]'::jsonb, 'native', now(), now()
FROM dated;

CREATE TEMP TABLE bench_apps ON COMMIT DROP AS
  SELECT id, row_number() OVER (ORDER BY id) AS g, created_at
  FROM planning_planningapplication WHERE council_id = %(council)s;

INSERT INTO planning_document (application_id, file, original_filename, content_type,
  document_type, sha256, size_bytes, page_count, text_status, text_status_reason, uploaded_at)
SELECT id, 'documents/bench/' || g, 'design-and-access-statement.txt', 'text/plain',
       'designAndAccessStatement', md5(g::text) || md5(id::text), 2048, 1, 'extracted', '', now()
FROM bench_apps;

INSERT INTO triage_triagerun (application_id, version, status, engine, engine_label, trigger,
  created_at, started_at, finished_at, deadline, attempts, error, pages_read, dropped_quotes,
  lane, team, priority_score, reasons)
SELECT id, 1, 'succeeded', 'rules', 'rules', 'submitted', now(), now(), now(), NULL, 1, '', 3, 0,
       (%(lanes)s::text[])[1 + (g * 31) %% cardinality(%(lanes)s::text[])],
       CASE WHEN (%(lanes)s::text[])[1 + (g * 31) %% cardinality(%(lanes)s::text[])] = 'specialist'
            THEN 'heritage' ELSE '' END,
       (g * 17) %% 100, '["The site is inside conservation area"]'::jsonb
FROM bench_apps;

INSERT INTO triage_finding (application_id, run_id, code, value, attributes, title, detail,
  source, origin, engine, strength, dataset, layer_source, entity, feature_name, relation,
  overlap_area_m2, site_share_pct, distance_m, grazes, page_number, quote, policy_quote,
  created_at, document_id)
SELECT run.application_id, run.id, f.code, f.value, '{}'::jsonb, f.title, '', f.source,
       CASE f.source WHEN 'document' THEN 'rules' ELSE f.source END, f.engine,
       CASE f.source WHEN 'spatial' THEN 'map' WHEN 'check' THEN 'check' ELSE 'direct' END,
       f.dataset, f.layer, f.entity, f.feature, f.relation, f.overlap, f.share, f.distance,
       f.grazes, f.page, f.quote, '', now(),
       CASE WHEN f.source = 'document' THEN (SELECT d.id FROM planning_document d WHERE d.application_id = run.application_id LIMIT 1) END
FROM triage_triagerun run
JOIN bench_apps app ON app.id = run.application_id
CROSS JOIN LATERAL (VALUES
  ('spatial.conservation-area', 'site-inside', 'The site is inside conservation area Camberwell Grove',
   'spatial', 'spatial', 'conservation-area', 'bench', 'CA' || (app.g %% 50), 'Camberwell Grove',
   'site-inside', 240.0::float8, 100.0::float8, 0.0::float8, false, NULL::int, ''),
  ('constraint.conservation_area', 'absent', 'design-and-access-statement.txt: conservation area = absent',
   'document', 'rules', '', '', '', '', '', NULL, NULL, NULL, NULL, 1,
   'The site is not within a conservation area.'),
  ('proposal.storeys', '1', 'design-and-access-statement.txt: storeys = 1', 'document', 'rules',
   '', '', '', '', '', NULL, NULL, NULL, NULL, 1, 'a single storey rear extension'),
  ('missing_document.location_plan', 'missing', 'Location plan not found among the documents',
   'check', 'check', '', '', '', '', '', NULL, NULL, NULL, NULL, NULL, '')
) AS f(code, value, title, source, engine, dataset, layer, entity, feature, relation, overlap,
       share, distance, grazes, page, quote);

-- One application in twenty was refused on its site before (triage.site_history's finding).
INSERT INTO triage_finding (application_id, run_id, code, value, attributes, title, detail,
  source, origin, engine, strength, dataset, layer_source, entity, feature_name, relation,
  overlap_area_m2, site_share_pct, distance_m, grazes, page_number, quote, policy_quote,
  created_at)
SELECT run.application_id, run.id, 'history.refused', '19/AP/' || (app.g %% 10000),
       '{}'::jsonb, 'Refused 2019 on this site (19/AP/' || (app.g %% 10000) || ')', '',
       'check', 'spatial', 'history', 'map', '', '', '', '', '', NULL, NULL, NULL, NULL, NULL,
       '', '', now()
FROM triage_triagerun run
JOIN bench_apps app ON app.id = run.application_id
WHERE app.g %% 20 = 0;

INSERT INTO triage_triagesummary (application_id, latest_run_id, latest_status, result_run_id,
  lane, team, lane_rank, priority_score, deadline_band, constraint_datasets, updated_at)
SELECT run.application_id, run.id, 'succeeded', run.id, run.lane, run.team,
       CASE run.lane WHEN 'needs-attention' THEN 0 WHEN 'specialist' THEN 1
                     WHEN 'standard' THEN 2 ELSE 3 END,
       run.priority_score, '',
       CASE WHEN (%(datasets)s::text[])[1 + app.g %% cardinality(%(datasets)s::text[])] = '' THEN '{}'::varchar[]
            ELSE ARRAY[(%(datasets)s::text[])[1 + app.g %% cardinality(%(datasets)s::text[])]]::varchar[] END,
       now()
FROM triage_triagerun run JOIN bench_apps app ON app.id = run.application_id;

INSERT INTO planning_applicationevent (application_id, at, kind, summary, actor_id, actor_name, detail)
SELECT id, created_at, 'submitted', 'Received from the benchmark', NULL::bigint, 'benchmark', '{}'::jsonb
FROM bench_apps
UNION ALL
SELECT run.application_id, now(), 'triage_finished', 'Triage v1 finished: standard, score 20', NULL::bigint,
       'triage', jsonb_build_object('run', run.id, 'version', 1)
FROM triage_triagerun run JOIN bench_apps app ON app.id = run.application_id;
