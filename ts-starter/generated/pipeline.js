/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
"use strict";

var $protobuf = require("protobufjs/light");

var $root = ($protobuf.roots["skypilot_temporal"] || ($protobuf.roots["skypilot_temporal"] = new $protobuf.Root()))
.addJSON({
  "skypilot_temporal": {
    "nested": {
      "v1": {
        "options": {
          "go_package": "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1;pipelinev1",
          "(workflow_type)": "SkyPilotWorkflow",
          "(default_task_queue)": "skypilot-workflow-queue",
          "(progress_query)": "progress",
          "(branch_workflow_type)": "SkyPilotBranchWorkflow",
          "(default_pipeline_file)": "pipeline.yaml",
          "(metric_marker)": "SKYPILOT_TEMPORAL_METRIC",
          "(env_name_pattern)": "[A-Za-z_][A-Za-z0-9_]*",
          "(env_name_max_length)": 128,
          "(view_query)": "view",
          "(live_output_key)": "output",
          "(live_lines_max)": 5,
          "(live_line_chars_max)": 300,
          "(live_steps_max)": 4,
          "(decide_update)": "decide",
          "(timeout_approver)": "timeout",
          "(retry_update)": "retry",
          "(abort_update)": "abort",
          "(wait_for_repair_max_minutes)": 10080,
          "(default_team)": "default",
          "(team_pattern)": "[a-z0-9][a-z0-9._-]{0,62}",
          "(quota_workflow_type)": "SkyPilotTeamQuota",
          "(quota_workflow_id_prefix)": "skypilot-temporal-quota-",
          "(quota_query)": "quota"
        },
        "nested": {
          "workflowType": {
            "type": "string",
            "id": 51001,
            "extend": "google.protobuf.FileOptions",
            "protoName": "workflow_type"
          },
          "defaultTaskQueue": {
            "type": "string",
            "id": 51002,
            "extend": "google.protobuf.FileOptions",
            "protoName": "default_task_queue"
          },
          "progressQuery": {
            "type": "string",
            "id": 51003,
            "extend": "google.protobuf.FileOptions",
            "protoName": "progress_query"
          },
          "branchWorkflowType": {
            "type": "string",
            "id": 51006,
            "extend": "google.protobuf.FileOptions",
            "protoName": "branch_workflow_type"
          },
          "defaultPipelineFile": {
            "type": "string",
            "id": 51007,
            "extend": "google.protobuf.FileOptions",
            "protoName": "default_pipeline_file"
          },
          "metricMarker": {
            "type": "string",
            "id": 51008,
            "extend": "google.protobuf.FileOptions",
            "protoName": "metric_marker"
          },
          "envNamePattern": {
            "type": "string",
            "id": 51004,
            "extend": "google.protobuf.FileOptions",
            "protoName": "env_name_pattern"
          },
          "envNameMaxLength": {
            "type": "uint32",
            "id": 51005,
            "extend": "google.protobuf.FileOptions",
            "protoName": "env_name_max_length"
          },
          "viewQuery": {
            "type": "string",
            "id": 51009,
            "extend": "google.protobuf.FileOptions",
            "protoName": "view_query"
          },
          "liveOutputKey": {
            "type": "string",
            "id": 51010,
            "extend": "google.protobuf.FileOptions",
            "protoName": "live_output_key"
          },
          "liveLinesMax": {
            "type": "uint32",
            "id": 51011,
            "extend": "google.protobuf.FileOptions",
            "protoName": "live_lines_max"
          },
          "liveLineCharsMax": {
            "type": "uint32",
            "id": 51012,
            "extend": "google.protobuf.FileOptions",
            "protoName": "live_line_chars_max"
          },
          "liveStepsMax": {
            "type": "uint32",
            "id": 51013,
            "extend": "google.protobuf.FileOptions",
            "protoName": "live_steps_max"
          },
          "decideUpdate": {
            "type": "string",
            "id": 51014,
            "extend": "google.protobuf.FileOptions",
            "protoName": "decide_update"
          },
          "timeoutApprover": {
            "type": "string",
            "id": 51015,
            "extend": "google.protobuf.FileOptions",
            "protoName": "timeout_approver"
          },
          "retryUpdate": {
            "type": "string",
            "id": 51016,
            "extend": "google.protobuf.FileOptions",
            "protoName": "retry_update"
          },
          "abortUpdate": {
            "type": "string",
            "id": 51017,
            "extend": "google.protobuf.FileOptions",
            "protoName": "abort_update"
          },
          "waitForRepairMaxMinutes": {
            "type": "uint32",
            "id": 51018,
            "extend": "google.protobuf.FileOptions",
            "protoName": "wait_for_repair_max_minutes"
          },
          "defaultTeam": {
            "type": "string",
            "id": 51019,
            "extend": "google.protobuf.FileOptions",
            "protoName": "default_team"
          },
          "teamPattern": {
            "type": "string",
            "id": 51020,
            "extend": "google.protobuf.FileOptions",
            "protoName": "team_pattern"
          },
          "quotaWorkflowType": {
            "type": "string",
            "id": 51021,
            "extend": "google.protobuf.FileOptions",
            "protoName": "quota_workflow_type"
          },
          "quotaWorkflowIdPrefix": {
            "type": "string",
            "id": 51022,
            "extend": "google.protobuf.FileOptions",
            "protoName": "quota_workflow_id_prefix"
          },
          "quotaQuery": {
            "type": "string",
            "id": 51023,
            "extend": "google.protobuf.FileOptions",
            "protoName": "quota_query"
          },
          "wireName": {
            "type": "string",
            "id": 51101,
            "extend": "google.protobuf.EnumValueOptions",
            "protoName": "wire_name"
          },
          "StepKind": {
            "values": {
              "STEP_KIND_UNSPECIFIED": 0,
              "STEP_KIND_LAUNCH": 1,
              "STEP_KIND_EXEC": 2,
              "STEP_KIND_SELECT": 3,
              "STEP_KIND_APPROVAL": 4,
              "STEP_KIND_MANAGED": 5
            }
          },
          "BranchFailureMode": {
            "values": {
              "BRANCH_FAILURE_MODE_UNSPECIFIED": 0,
              "BRANCH_FAILURE_MODE_FAIL_FAST": 1,
              "BRANCH_FAILURE_MODE_KEEP_GOING": 2
            }
          },
          "SelectGoal": {
            "values": {
              "SELECT_GOAL_UNSPECIFIED": 0,
              "SELECT_GOAL_MAXIMIZE": 1,
              "SELECT_GOAL_MINIMIZE": 2
            }
          },
          "StepState": {
            "valuesOptions": {
              "STEP_STATE_PENDING": {
                "(wire_name)": "pending"
              },
              "STEP_STATE_RUNNING": {
                "(wire_name)": "running"
              },
              "STEP_STATE_SUCCEEDED": {
                "(wire_name)": "succeeded"
              },
              "STEP_STATE_FAILED": {
                "(wire_name)": "failed"
              },
              "STEP_STATE_CANCELLED": {
                "(wire_name)": "cancelled"
              },
              "STEP_STATE_SKIPPED": {
                "(wire_name)": "skipped"
              },
              "STEP_STATE_WAITING": {
                "(wire_name)": "waiting"
              },
              "STEP_STATE_WAITING_FOR_REPAIR": {
                "(wire_name)": "waiting_for_repair"
              },
              "STEP_STATE_WAITING_FOR_QUOTA": {
                "(wire_name)": "waiting_for_quota"
              }
            },
            "values": {
              "STEP_STATE_UNSPECIFIED": 0,
              "STEP_STATE_PENDING": 1,
              "STEP_STATE_RUNNING": 2,
              "STEP_STATE_SUCCEEDED": 3,
              "STEP_STATE_FAILED": 4,
              "STEP_STATE_CANCELLED": 5,
              "STEP_STATE_SKIPPED": 6,
              "STEP_STATE_WAITING": 7,
              "STEP_STATE_WAITING_FOR_REPAIR": 8,
              "STEP_STATE_WAITING_FOR_QUOTA": 9
            }
          },
          "FailureType": {
            "valuesOptions": {
              "FAILURE_TYPE_INVALID_INPUT": {
                "(wire_name)": "InvalidInput"
              },
              "FAILURE_TYPE_INVALID_REPO": {
                "(wire_name)": "InvalidRepo"
              },
              "FAILURE_TYPE_INVALID_TASK": {
                "(wire_name)": "InvalidTask"
              },
              "FAILURE_TYPE_JOB_FAILED": {
                "(wire_name)": "JobFailed"
              },
              "FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR": {
                "(wire_name)": "SkyPilotPermanentError"
              },
              "FAILURE_TYPE_ENDPOINT_MISMATCH": {
                "(wire_name)": "EndpointMismatch"
              },
              "FAILURE_TYPE_STEP_TIMED_OUT": {
                "(wire_name)": "StepTimedOut"
              },
              "FAILURE_TYPE_TEARDOWN_FAILED": {
                "(wire_name)": "TeardownFailed"
              },
              "FAILURE_TYPE_WORKER_ERROR": {
                "(wire_name)": "WorkerError"
              },
              "FAILURE_TYPE_REPO_UNREACHABLE": {
                "(wire_name)": "RepoUnreachable"
              },
              "FAILURE_TYPE_SKYPILOT_UNAVAILABLE": {
                "(wire_name)": "SkyPilotUnavailable"
              },
              "FAILURE_TYPE_REJECTED": {
                "(wire_name)": "Rejected"
              }
            },
            "values": {
              "FAILURE_TYPE_UNSPECIFIED": 0,
              "FAILURE_TYPE_INVALID_INPUT": 1,
              "FAILURE_TYPE_INVALID_REPO": 2,
              "FAILURE_TYPE_INVALID_TASK": 3,
              "FAILURE_TYPE_JOB_FAILED": 4,
              "FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR": 5,
              "FAILURE_TYPE_ENDPOINT_MISMATCH": 6,
              "FAILURE_TYPE_STEP_TIMED_OUT": 7,
              "FAILURE_TYPE_TEARDOWN_FAILED": 8,
              "FAILURE_TYPE_WORKER_ERROR": 9,
              "FAILURE_TYPE_REPO_UNREACHABLE": 10,
              "FAILURE_TYPE_SKYPILOT_UNAVAILABLE": 11,
              "FAILURE_TYPE_REJECTED": 12
            }
          },
          "RunPhase": {
            "valuesOptions": {
              "RUN_PHASE_STARTING": {
                "(wire_name)": "starting"
              },
              "RUN_PHASE_CLONE": {
                "(wire_name)": "clone"
              },
              "RUN_PHASE_RUNNING": {
                "(wire_name)": "running"
              },
              "RUN_PHASE_TEARDOWN": {
                "(wire_name)": "teardown"
              },
              "RUN_PHASE_COMPLETED": {
                "(wire_name)": "completed"
              },
              "RUN_PHASE_FAILED": {
                "(wire_name)": "failed"
              },
              "RUN_PHASE_CANCELLED": {
                "(wire_name)": "cancelled"
              },
              "RUN_PHASE_TEARDOWN_FAILED": {
                "(wire_name)": "teardown_failed"
              },
              "RUN_PHASE_WAITING": {
                "(wire_name)": "waiting"
              },
              "RUN_PHASE_WAITING_FOR_REPAIR": {
                "(wire_name)": "waiting_for_repair"
              }
            },
            "values": {
              "RUN_PHASE_UNSPECIFIED": 0,
              "RUN_PHASE_STARTING": 1,
              "RUN_PHASE_CLONE": 2,
              "RUN_PHASE_RUNNING": 3,
              "RUN_PHASE_TEARDOWN": 4,
              "RUN_PHASE_COMPLETED": 5,
              "RUN_PHASE_FAILED": 6,
              "RUN_PHASE_CANCELLED": 7,
              "RUN_PHASE_TEARDOWN_FAILED": 8,
              "RUN_PHASE_WAITING": 9,
              "RUN_PHASE_WAITING_FOR_REPAIR": 10
            }
          },
          "Decision": {
            "valuesOptions": {
              "DECISION_APPROVE": {
                "(wire_name)": "approve"
              },
              "DECISION_REJECT": {
                "(wire_name)": "reject"
              }
            },
            "values": {
              "DECISION_UNSPECIFIED": 0,
              "DECISION_APPROVE": 1,
              "DECISION_REJECT": 2
            }
          },
          "PipelineStep": {
            "oneofs": {
              "_provisionAhead": {
                "oneof": [
                  "provisionAhead"
                ]
              },
              "_waitForRepairMinutes": {
                "oneof": [
                  "waitForRepairMinutes"
                ]
              }
            },
            "fields": {
              "name": {
                "type": "string",
                "id": 1
              },
              "taskYaml": {
                "type": "string",
                "id": 2,
                "protoName": "task_yaml"
              },
              "kind": {
                "type": "StepKind",
                "id": 3
              },
              "cluster": {
                "type": "string",
                "id": 4
              },
              "timeoutSeconds": {
                "type": "uint32",
                "id": 5,
                "protoName": "timeout_seconds"
              },
              "heartbeatTimeoutSeconds": {
                "type": "uint32",
                "id": 6,
                "protoName": "heartbeat_timeout_seconds"
              },
              "needs": {
                "rule": "repeated",
                "type": "string",
                "id": 7
              },
              "envs": {
                "keyType": "string",
                "type": "string",
                "id": 8
              },
              "sweep": {
                "type": "Sweep",
                "id": 9
              },
              "select": {
                "type": "Select",
                "id": 10
              },
              "provisionAhead": {
                "type": "bool",
                "id": 11,
                "protoName": "provision_ahead",
                "options": {
                  "proto3_optional": true
                }
              },
              "approvers": {
                "rule": "repeated",
                "type": "string",
                "id": 12
              },
              "waitForRepairMinutes": {
                "type": "uint32",
                "id": 13,
                "protoName": "wait_for_repair_minutes",
                "options": {
                  "proto3_optional": true
                }
              }
            }
          },
          "Sweep": {
            "fields": {
              "matrix": {
                "rule": "repeated",
                "type": "SweepAxis",
                "id": 1
              },
              "include": {
                "rule": "repeated",
                "type": "BranchEnvs",
                "id": 2
              },
              "maxParallel": {
                "type": "uint32",
                "id": 3,
                "protoName": "max_parallel"
              },
              "onFailure": {
                "type": "BranchFailurePolicy",
                "id": 4,
                "protoName": "on_failure"
              }
            }
          },
          "SweepAxis": {
            "fields": {
              "name": {
                "type": "string",
                "id": 1
              },
              "values": {
                "rule": "repeated",
                "type": "string",
                "id": 2
              }
            }
          },
          "BranchEnvs": {
            "fields": {
              "envs": {
                "keyType": "string",
                "type": "string",
                "id": 1
              }
            }
          },
          "BranchFailurePolicy": {
            "fields": {
              "mode": {
                "type": "BranchFailureMode",
                "id": 1
              },
              "minSucceeded": {
                "type": "uint32",
                "id": 2,
                "protoName": "min_succeeded"
              },
              "minSucceededFraction": {
                "type": "double",
                "id": 3,
                "protoName": "min_succeeded_fraction"
              }
            }
          },
          "Select": {
            "fields": {
              "metric": {
                "type": "string",
                "id": 1
              },
              "goal": {
                "type": "SelectGoal",
                "id": 2
              },
              "step": {
                "type": "string",
                "id": 3
              }
            }
          },
          "PipelineSpec": {
            "fields": {
              "steps": {
                "rule": "repeated",
                "type": "PipelineStep",
                "id": 1
              }
            }
          },
          "LaunchOptions": {
            "fields": {
              "idleMinutesToAutodown": {
                "type": "int32",
                "id": 1,
                "protoName": "idle_minutes_to_autodown"
              },
              "retryUntilUp": {
                "type": "bool",
                "id": 2,
                "protoName": "retry_until_up"
              },
              "teardownTimeoutSeconds": {
                "type": "uint32",
                "id": 3,
                "protoName": "teardown_timeout_seconds"
              },
              "provisionAhead": {
                "type": "bool",
                "id": 4,
                "protoName": "provision_ahead"
              },
              "waitForRepairMinutes": {
                "type": "uint32",
                "id": 5,
                "protoName": "wait_for_repair_minutes"
              }
            }
          },
          "SkyPilotWorkflowInput": {
            "fields": {
              "clusterPrefix": {
                "type": "string",
                "id": 1,
                "protoName": "cluster_prefix"
              },
              "repoUrl": {
                "type": "string",
                "id": 2,
                "protoName": "repo_url"
              },
              "branch": {
                "type": "string",
                "id": 3
              },
              "envsOverride": {
                "keyType": "string",
                "type": "string",
                "id": 4,
                "protoName": "envs_override"
              },
              "secretEnvNames": {
                "rule": "repeated",
                "type": "string",
                "id": 5,
                "protoName": "secret_env_names"
              },
              "apiServerEndpoint": {
                "type": "string",
                "id": 6,
                "protoName": "api_server_endpoint"
              },
              "steps": {
                "rule": "repeated",
                "type": "PipelineStep",
                "id": 7
              },
              "launch": {
                "type": "LaunchOptions",
                "id": 8
              },
              "pipelineFile": {
                "type": "string",
                "id": 9,
                "protoName": "pipeline_file"
              },
              "resumeFrom": {
                "type": "string",
                "id": 10,
                "protoName": "resume_from"
              },
              "team": {
                "type": "string",
                "id": 11
              }
            }
          },
          "StepResult": {
            "oneofs": {
              "_usdPerHour": {
                "oneof": [
                  "usdPerHour"
                ]
              },
              "_costUsd": {
                "oneof": [
                  "costUsd"
                ]
              },
              "_idleCostUsd": {
                "oneof": [
                  "idleCostUsd"
                ]
              }
            },
            "fields": {
              "name": {
                "type": "string",
                "id": 1
              },
              "kind": {
                "type": "StepKind",
                "id": 2
              },
              "clusterName": {
                "type": "string",
                "id": 3,
                "protoName": "cluster_name"
              },
              "jobId": {
                "type": "int64",
                "id": 4,
                "protoName": "job_id"
              },
              "status": {
                "type": "string",
                "id": 5
              },
              "durationSeconds": {
                "type": "double",
                "id": 6,
                "protoName": "duration_seconds"
              },
              "logTail": {
                "type": "string",
                "id": 7,
                "protoName": "log_tail"
              },
              "branch": {
                "type": "string",
                "id": 8
              },
              "metrics": {
                "keyType": "string",
                "type": "double",
                "id": 9
              },
              "idleClusterSeconds": {
                "type": "double",
                "id": 10,
                "protoName": "idle_cluster_seconds"
              },
              "approval": {
                "type": "ApprovalRecord",
                "id": 11
              },
              "repairs": {
                "rule": "repeated",
                "type": "RepairRecord",
                "id": 12
              },
              "key": {
                "type": "string",
                "id": 13
              },
              "reusedFrom": {
                "type": "string",
                "id": 14,
                "protoName": "reused_from"
              },
              "usdPerHour": {
                "type": "double",
                "id": 15,
                "protoName": "usd_per_hour",
                "options": {
                  "proto3_optional": true
                }
              },
              "costUsd": {
                "type": "double",
                "id": 16,
                "protoName": "cost_usd",
                "options": {
                  "proto3_optional": true
                }
              },
              "idleCostUsd": {
                "type": "double",
                "id": 17,
                "protoName": "idle_cost_usd",
                "options": {
                  "proto3_optional": true
                }
              },
              "recoveries": {
                "type": "uint32",
                "id": 18
              },
              "lastRecoveredAt": {
                "type": "string",
                "id": 19,
                "protoName": "last_recovered_at"
              }
            }
          },
          "RunCost": {
            "oneofs": {
              "_runningUsd": {
                "oneof": [
                  "runningUsd"
                ]
              },
              "_idleUsd": {
                "oneof": [
                  "idleUsd"
                ]
              },
              "_reusedUsd": {
                "oneof": [
                  "reusedUsd"
                ]
              }
            },
            "fields": {
              "runningUsd": {
                "type": "double",
                "id": 1,
                "protoName": "running_usd",
                "options": {
                  "proto3_optional": true
                }
              },
              "idleUsd": {
                "type": "double",
                "id": 2,
                "protoName": "idle_usd",
                "options": {
                  "proto3_optional": true
                }
              },
              "reusedUsd": {
                "type": "double",
                "id": 3,
                "protoName": "reused_usd",
                "options": {
                  "proto3_optional": true
                }
              },
              "note": {
                "type": "string",
                "id": 4
              }
            }
          },
          "RetryRequest": {
            "fields": {
              "step": {
                "type": "string",
                "id": 1
              },
              "commit": {
                "type": "string",
                "id": 2
              },
              "requester": {
                "type": "string",
                "id": 3
              },
              "branch": {
                "type": "string",
                "id": 4
              }
            }
          },
          "AbortRequest": {
            "fields": {
              "step": {
                "type": "string",
                "id": 1
              },
              "reason": {
                "type": "string",
                "id": 2
              },
              "requester": {
                "type": "string",
                "id": 3
              },
              "branch": {
                "type": "string",
                "id": 4
              }
            }
          },
          "RepairRecord": {
            "fields": {
              "step": {
                "type": "string",
                "id": 1
              },
              "action": {
                "type": "string",
                "id": 2
              },
              "requester": {
                "type": "string",
                "id": 3
              },
              "commit": {
                "type": "string",
                "id": 4
              },
              "reason": {
                "type": "string",
                "id": 5
              },
              "decidedAt": {
                "type": "string",
                "id": 6,
                "protoName": "decided_at"
              },
              "waitingSince": {
                "type": "string",
                "id": 7,
                "protoName": "waiting_since"
              },
              "failure": {
                "type": "string",
                "id": 8
              },
              "branch": {
                "type": "string",
                "id": 9
              }
            }
          },
          "RepairAnswer": {
            "fields": {
              "repairs": {
                "rule": "repeated",
                "type": "RepairRecord",
                "id": 1
              }
            }
          },
          "ApprovalDecision": {
            "fields": {
              "gate": {
                "type": "string",
                "id": 1
              },
              "decision": {
                "type": "string",
                "id": 2
              },
              "approver": {
                "type": "string",
                "id": 3
              },
              "reason": {
                "type": "string",
                "id": 4
              }
            }
          },
          "ApprovalRecord": {
            "fields": {
              "gate": {
                "type": "string",
                "id": 1
              },
              "decision": {
                "type": "string",
                "id": 2
              },
              "approver": {
                "type": "string",
                "id": 3
              },
              "reason": {
                "type": "string",
                "id": 4
              },
              "decidedAt": {
                "type": "string",
                "id": 5,
                "protoName": "decided_at"
              },
              "waitingSince": {
                "type": "string",
                "id": 6,
                "protoName": "waiting_since"
              }
            }
          },
          "SkyPilotWorkflowResult": {
            "fields": {
              "steps": {
                "rule": "repeated",
                "type": "StepResult",
                "id": 1
              },
              "clustersDowned": {
                "rule": "repeated",
                "type": "string",
                "id": 2,
                "protoName": "clusters_downed"
              },
              "commit": {
                "type": "string",
                "id": 3
              },
              "lines": {
                "rule": "repeated",
                "type": "string",
                "id": 4
              },
              "cost": {
                "type": "RunCost",
                "id": 5
              }
            }
          },
          "RunViewRequest": {
            "fields": {
              "cursor": {
                "type": "string",
                "id": 1
              },
              "heartbeats": {
                "rule": "repeated",
                "type": "string",
                "id": 2
              },
              "starter": {
                "type": "string",
                "id": 3
              }
            }
          },
          "RunView": {
            "fields": {
              "lines": {
                "rule": "repeated",
                "type": "string",
                "id": 1
              },
              "cursor": {
                "type": "string",
                "id": 2
              }
            }
          },
          "SkyPilotWorkflowProgress": {
            "fields": {
              "phase": {
                "type": "string",
                "id": 1
              },
              "currentStep": {
                "type": "string",
                "id": 2,
                "protoName": "current_step"
              },
              "finished": {
                "rule": "repeated",
                "type": "StepResult",
                "id": 3
              },
              "clustersUp": {
                "rule": "repeated",
                "type": "string",
                "id": 4,
                "protoName": "clusters_up"
              },
              "stepsTotal": {
                "type": "int32",
                "id": 5,
                "protoName": "steps_total"
              },
              "clusters": {
                "rule": "repeated",
                "type": "string",
                "id": 6
              },
              "clustersLeft": {
                "rule": "repeated",
                "type": "string",
                "id": 7,
                "protoName": "clusters_left"
              },
              "steps": {
                "rule": "repeated",
                "type": "StepProgress",
                "id": 8
              },
              "cost": {
                "type": "RunCost",
                "id": 9
              },
              "team": {
                "type": "string",
                "id": 10
              },
              "limits": {
                "rule": "repeated",
                "type": "string",
                "id": 11
              }
            }
          },
          "StepProgress": {
            "oneofs": {
              "_keptUsdPerHour": {
                "oneof": [
                  "keptUsdPerHour"
                ]
              }
            },
            "fields": {
              "name": {
                "type": "string",
                "id": 1
              },
              "branch": {
                "type": "string",
                "id": 2
              },
              "state": {
                "type": "string",
                "id": 3
              },
              "clusterName": {
                "type": "string",
                "id": 4,
                "protoName": "cluster_name"
              },
              "metrics": {
                "keyType": "string",
                "type": "double",
                "id": 5
              },
              "winner": {
                "type": "bool",
                "id": 6
              },
              "kind": {
                "type": "StepKind",
                "id": 7
              },
              "waitingSince": {
                "type": "string",
                "id": 8,
                "protoName": "waiting_since"
              },
              "deadline": {
                "type": "string",
                "id": 9
              },
              "approvers": {
                "rule": "repeated",
                "type": "string",
                "id": 10
              },
              "approval": {
                "type": "ApprovalRecord",
                "id": 11
              },
              "failure": {
                "type": "string",
                "id": 12
              },
              "clustersKept": {
                "rule": "repeated",
                "type": "string",
                "id": 13,
                "protoName": "clusters_kept"
              },
              "repairs": {
                "rule": "repeated",
                "type": "RepairRecord",
                "id": 14
              },
              "reusedFrom": {
                "type": "string",
                "id": 15,
                "protoName": "reused_from"
              },
              "keptUsdPerHour": {
                "type": "double",
                "id": 16,
                "protoName": "kept_usd_per_hour",
                "options": {
                  "proto3_optional": true
                }
              },
              "recoveries": {
                "type": "uint32",
                "id": 17
              },
              "lastRecoveredAt": {
                "type": "string",
                "id": 18,
                "protoName": "last_recovered_at"
              },
              "waitingForQuota": {
                "type": "string",
                "id": 19,
                "protoName": "waiting_for_quota"
              }
            }
          }
        }
      }
    }
  },
  "google": {
    "nested": {
      "protobuf": {
        "nested": {
          "FileOptions": {
            "edition": "proto2",
            "fields": {},
            "extensions": [
              [
                1000,
                536870911
              ]
            ],
            "reserved": [
              [
                42,
                42
              ],
              [
                38,
                38
              ],
              "php_generic_services"
            ]
          },
          "EnumValueOptions": {
            "edition": "proto2",
            "fields": {},
            "extensions": [
              [
                990,
                998
              ],
              [
                1000,
                536870911
              ]
            ]
          }
        }
      }
    }
  }
});

/**
 * Reflected root namespace.
 * @type {$protobuf.Root}
 */
module.exports = $root;
