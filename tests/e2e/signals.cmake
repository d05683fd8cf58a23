# The signals' backends (included by tests/e2e/CMakeLists.txt): the log store and its pipeline,
# traces on disk across a Jaeger restart, the trace -> logs links, `make trace`, backup/restore.
edaobs_add_e2e_tests(signals_test LogPipelineTest
  test_log_record_posted_to_the_collector_is_found_in_victorialogs_by_trace_id)
edaobs_add_e2e_tests(signals_test TraceStorageTest
  test_trace_is_found_again_after_jaeger_restarts)
edaobs_add_e2e_tests(signals_test TraceToLogsLinksTest
  test_jaeger_ui_link_patterns_return_the_traces_logs
  test_grafana_trace_to_logs_query_returns_the_traces_logs
  test_dashboard_logs_panel_query_returns_the_services_logs)
edaobs_add_e2e_tests(trace_tool_test TraceToolTest
  test_the_event_id_tells_the_story
  test_the_trace_id_tells_the_same_story
  test_a_trace_without_log_lines_says_so
  test_an_unknown_id_is_a_clear_error)
edaobs_add_e2e_tests(backup_test BackupRestoreTest
  test_trace_logs_and_metrics_survive_backup_wipe_and_restore)
