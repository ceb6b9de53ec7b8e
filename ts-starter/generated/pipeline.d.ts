import * as $protobuf from "protobufjs/light";
import Long = require("long");

/** Namespace skypilot_temporal. */
export namespace skypilot_temporal {

    /** Namespace v1. */
    namespace v1 {

        /** StepKind enum. */
        enum StepKind {

            /** STEP_KIND_UNSPECIFIED value */
            STEP_KIND_UNSPECIFIED = 0,

            /** STEP_KIND_LAUNCH value */
            STEP_KIND_LAUNCH = 1,

            /** STEP_KIND_EXEC value */
            STEP_KIND_EXEC = 2,

            /** STEP_KIND_SELECT value */
            STEP_KIND_SELECT = 3,

            /** STEP_KIND_APPROVAL value */
            STEP_KIND_APPROVAL = 4,

            /** STEP_KIND_MANAGED value */
            STEP_KIND_MANAGED = 5
        }

        /** BranchFailureMode enum. */
        enum BranchFailureMode {

            /** BRANCH_FAILURE_MODE_UNSPECIFIED value */
            BRANCH_FAILURE_MODE_UNSPECIFIED = 0,

            /** BRANCH_FAILURE_MODE_FAIL_FAST value */
            BRANCH_FAILURE_MODE_FAIL_FAST = 1,

            /** BRANCH_FAILURE_MODE_KEEP_GOING value */
            BRANCH_FAILURE_MODE_KEEP_GOING = 2
        }

        /** SelectGoal enum. */
        enum SelectGoal {

            /** SELECT_GOAL_UNSPECIFIED value */
            SELECT_GOAL_UNSPECIFIED = 0,

            /** SELECT_GOAL_MAXIMIZE value */
            SELECT_GOAL_MAXIMIZE = 1,

            /** SELECT_GOAL_MINIMIZE value */
            SELECT_GOAL_MINIMIZE = 2
        }

        /** StepState enum. */
        enum StepState {

            /** STEP_STATE_UNSPECIFIED value */
            STEP_STATE_UNSPECIFIED = 0,

            /** STEP_STATE_PENDING value */
            STEP_STATE_PENDING = 1,

            /** STEP_STATE_RUNNING value */
            STEP_STATE_RUNNING = 2,

            /** STEP_STATE_SUCCEEDED value */
            STEP_STATE_SUCCEEDED = 3,

            /** STEP_STATE_FAILED value */
            STEP_STATE_FAILED = 4,

            /** STEP_STATE_CANCELLED value */
            STEP_STATE_CANCELLED = 5,

            /** STEP_STATE_SKIPPED value */
            STEP_STATE_SKIPPED = 6,

            /** STEP_STATE_WAITING value */
            STEP_STATE_WAITING = 7,

            /** STEP_STATE_WAITING_FOR_REPAIR value */
            STEP_STATE_WAITING_FOR_REPAIR = 8,

            /** STEP_STATE_WAITING_FOR_QUOTA value */
            STEP_STATE_WAITING_FOR_QUOTA = 9
        }

        /** FailureType enum. */
        enum FailureType {

            /** FAILURE_TYPE_UNSPECIFIED value */
            FAILURE_TYPE_UNSPECIFIED = 0,

            /** FAILURE_TYPE_INVALID_INPUT value */
            FAILURE_TYPE_INVALID_INPUT = 1,

            /** FAILURE_TYPE_INVALID_REPO value */
            FAILURE_TYPE_INVALID_REPO = 2,

            /** FAILURE_TYPE_INVALID_TASK value */
            FAILURE_TYPE_INVALID_TASK = 3,

            /** FAILURE_TYPE_JOB_FAILED value */
            FAILURE_TYPE_JOB_FAILED = 4,

            /** FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR value */
            FAILURE_TYPE_SKYPILOT_PERMANENT_ERROR = 5,

            /** FAILURE_TYPE_ENDPOINT_MISMATCH value */
            FAILURE_TYPE_ENDPOINT_MISMATCH = 6,

            /** FAILURE_TYPE_STEP_TIMED_OUT value */
            FAILURE_TYPE_STEP_TIMED_OUT = 7,

            /** FAILURE_TYPE_TEARDOWN_FAILED value */
            FAILURE_TYPE_TEARDOWN_FAILED = 8,

            /** FAILURE_TYPE_WORKER_ERROR value */
            FAILURE_TYPE_WORKER_ERROR = 9,

            /** FAILURE_TYPE_REPO_UNREACHABLE value */
            FAILURE_TYPE_REPO_UNREACHABLE = 10,

            /** FAILURE_TYPE_SKYPILOT_UNAVAILABLE value */
            FAILURE_TYPE_SKYPILOT_UNAVAILABLE = 11,

            /** FAILURE_TYPE_REJECTED value */
            FAILURE_TYPE_REJECTED = 12
        }

        /** RunPhase enum. */
        enum RunPhase {

            /** RUN_PHASE_UNSPECIFIED value */
            RUN_PHASE_UNSPECIFIED = 0,

            /** RUN_PHASE_STARTING value */
            RUN_PHASE_STARTING = 1,

            /** RUN_PHASE_CLONE value */
            RUN_PHASE_CLONE = 2,

            /** RUN_PHASE_RUNNING value */
            RUN_PHASE_RUNNING = 3,

            /** RUN_PHASE_TEARDOWN value */
            RUN_PHASE_TEARDOWN = 4,

            /** RUN_PHASE_COMPLETED value */
            RUN_PHASE_COMPLETED = 5,

            /** RUN_PHASE_FAILED value */
            RUN_PHASE_FAILED = 6,

            /** RUN_PHASE_CANCELLED value */
            RUN_PHASE_CANCELLED = 7,

            /** RUN_PHASE_TEARDOWN_FAILED value */
            RUN_PHASE_TEARDOWN_FAILED = 8,

            /** RUN_PHASE_WAITING value */
            RUN_PHASE_WAITING = 9,

            /** RUN_PHASE_WAITING_FOR_REPAIR value */
            RUN_PHASE_WAITING_FOR_REPAIR = 10
        }

        /** Decision enum. */
        enum Decision {

            /** DECISION_UNSPECIFIED value */
            DECISION_UNSPECIFIED = 0,

            /** DECISION_APPROVE value */
            DECISION_APPROVE = 1,

            /** DECISION_REJECT value */
            DECISION_REJECT = 2
        }

        /**
         * Properties of a PipelineStep.
         * @deprecated Use skypilot_temporal.v1.PipelineStep.$Properties instead.
         */
        interface IPipelineStep extends skypilot_temporal.v1.PipelineStep.$Properties {
        }

        /** Represents a PipelineStep. */
        class PipelineStep {

            /** Reflection-backed declarations are not constructable. Use PipelineStep.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PipelineStep name. */
            name: string;

            /** PipelineStep taskYaml. */
            taskYaml: string;

            /** PipelineStep kind. */
            kind: skypilot_temporal.v1.StepKind;

            /** PipelineStep cluster. */
            cluster: string;

            /** PipelineStep timeoutSeconds. */
            timeoutSeconds: number;

            /** PipelineStep heartbeatTimeoutSeconds. */
            heartbeatTimeoutSeconds: number;

            /** PipelineStep needs. */
            needs: string[];

            /** PipelineStep envs. */
            envs: { [k: string]: string };

            /** PipelineStep sweep. */
            sweep?: (skypilot_temporal.v1.Sweep|null);

            /** PipelineStep select. */
            select?: (skypilot_temporal.v1.Select|null);

            /** PipelineStep provisionAhead. */
            provisionAhead?: (boolean|null);

            /** PipelineStep approvers. */
            approvers: string[];

            /** PipelineStep waitForRepairMinutes. */
            waitForRepairMinutes?: (number|null);

            /**
             * Creates a new PipelineStep instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PipelineStep instance
             */
            static create(properties: skypilot_temporal.v1.PipelineStep.$Shape): skypilot_temporal.v1.PipelineStep & skypilot_temporal.v1.PipelineStep.$Shape;
            static create(properties?: skypilot_temporal.v1.PipelineStep.$Properties): skypilot_temporal.v1.PipelineStep;

            /**
             * Encodes the specified PipelineStep message. Does not implicitly {@link skypilot_temporal.v1.PipelineStep.verify|verify} messages.
             * @param message PipelineStep message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.PipelineStep, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified PipelineStep message, length delimited. Does not implicitly {@link skypilot_temporal.v1.PipelineStep.verify|verify} messages.
             * @param message PipelineStep message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.PipelineStep, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PipelineStep message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.PipelineStep & skypilot_temporal.v1.PipelineStep.$Shape} PipelineStep
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.PipelineStep & skypilot_temporal.v1.PipelineStep.$Shape;

            /**
             * Decodes a PipelineStep message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.PipelineStep & skypilot_temporal.v1.PipelineStep.$Shape} PipelineStep
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.PipelineStep & skypilot_temporal.v1.PipelineStep.$Shape;

            /**
             * Verifies a PipelineStep message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a PipelineStep message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns PipelineStep
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.PipelineStep;

            /**
             * Creates a plain object from a PipelineStep message. Also converts values to other types if specified.
             * @param message PipelineStep
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.PipelineStep, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this PipelineStep to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for PipelineStep
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace PipelineStep {

            /** Properties of a PipelineStep. */
            interface $Properties {

                /** PipelineStep name */
                name?: (string|null);

                /** PipelineStep taskYaml */
                taskYaml?: (string|null);

                /** PipelineStep kind */
                kind?: (skypilot_temporal.v1.StepKind|null);

                /** PipelineStep cluster */
                cluster?: (string|null);

                /** PipelineStep timeoutSeconds */
                timeoutSeconds?: (number|null);

                /** PipelineStep heartbeatTimeoutSeconds */
                heartbeatTimeoutSeconds?: (number|null);

                /** PipelineStep needs */
                needs?: (string[]|null);

                /** PipelineStep envs */
                envs?: ({ [k: string]: string }|null);

                /** PipelineStep sweep */
                sweep?: (skypilot_temporal.v1.Sweep|null);

                /** PipelineStep select */
                select?: (skypilot_temporal.v1.Select|null);

                /** PipelineStep provisionAhead */
                provisionAhead?: (boolean|null);

                /** PipelineStep approvers */
                approvers?: (string[]|null);

                /** PipelineStep waitForRepairMinutes */
                waitForRepairMinutes?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PipelineStep. */
            type $Shape = skypilot_temporal.v1.PipelineStep.$Properties;
        }

        /**
         * Properties of a Sweep.
         * @deprecated Use skypilot_temporal.v1.Sweep.$Properties instead.
         */
        interface ISweep extends skypilot_temporal.v1.Sweep.$Properties {
        }

        /** Represents a Sweep. */
        class Sweep {

            /** Reflection-backed declarations are not constructable. Use Sweep.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Sweep matrix. */
            matrix: skypilot_temporal.v1.SweepAxis[];

            /** Sweep include. */
            include: skypilot_temporal.v1.BranchEnvs[];

            /** Sweep maxParallel. */
            maxParallel: number;

            /** Sweep onFailure. */
            onFailure?: (skypilot_temporal.v1.BranchFailurePolicy|null);

            /**
             * Creates a new Sweep instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Sweep instance
             */
            static create(properties: skypilot_temporal.v1.Sweep.$Shape): skypilot_temporal.v1.Sweep & skypilot_temporal.v1.Sweep.$Shape;
            static create(properties?: skypilot_temporal.v1.Sweep.$Properties): skypilot_temporal.v1.Sweep;

            /**
             * Encodes the specified Sweep message. Does not implicitly {@link skypilot_temporal.v1.Sweep.verify|verify} messages.
             * @param message Sweep message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.Sweep, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Sweep message, length delimited. Does not implicitly {@link skypilot_temporal.v1.Sweep.verify|verify} messages.
             * @param message Sweep message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.Sweep, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Sweep message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.Sweep & skypilot_temporal.v1.Sweep.$Shape} Sweep
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.Sweep & skypilot_temporal.v1.Sweep.$Shape;

            /**
             * Decodes a Sweep message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.Sweep & skypilot_temporal.v1.Sweep.$Shape} Sweep
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.Sweep & skypilot_temporal.v1.Sweep.$Shape;

            /**
             * Verifies a Sweep message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Sweep message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Sweep
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.Sweep;

            /**
             * Creates a plain object from a Sweep message. Also converts values to other types if specified.
             * @param message Sweep
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.Sweep, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Sweep to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Sweep
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Sweep {

            /** Properties of a Sweep. */
            interface $Properties {

                /** Sweep matrix */
                matrix?: (skypilot_temporal.v1.SweepAxis[]|null);

                /** Sweep include */
                include?: (skypilot_temporal.v1.BranchEnvs[]|null);

                /** Sweep maxParallel */
                maxParallel?: (number|null);

                /** Sweep onFailure */
                onFailure?: (skypilot_temporal.v1.BranchFailurePolicy|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Sweep. */
            type $Shape = skypilot_temporal.v1.Sweep.$Properties;
        }

        /**
         * Properties of a SweepAxis.
         * @deprecated Use skypilot_temporal.v1.SweepAxis.$Properties instead.
         */
        interface ISweepAxis extends skypilot_temporal.v1.SweepAxis.$Properties {
        }

        /** Represents a SweepAxis. */
        class SweepAxis {

            /** Reflection-backed declarations are not constructable. Use SweepAxis.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SweepAxis name. */
            name: string;

            /** SweepAxis values. */
            values: string[];

            /**
             * Creates a new SweepAxis instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SweepAxis instance
             */
            static create(properties: skypilot_temporal.v1.SweepAxis.$Shape): skypilot_temporal.v1.SweepAxis & skypilot_temporal.v1.SweepAxis.$Shape;
            static create(properties?: skypilot_temporal.v1.SweepAxis.$Properties): skypilot_temporal.v1.SweepAxis;

            /**
             * Encodes the specified SweepAxis message. Does not implicitly {@link skypilot_temporal.v1.SweepAxis.verify|verify} messages.
             * @param message SweepAxis message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.SweepAxis, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SweepAxis message, length delimited. Does not implicitly {@link skypilot_temporal.v1.SweepAxis.verify|verify} messages.
             * @param message SweepAxis message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.SweepAxis, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SweepAxis message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.SweepAxis & skypilot_temporal.v1.SweepAxis.$Shape} SweepAxis
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.SweepAxis & skypilot_temporal.v1.SweepAxis.$Shape;

            /**
             * Decodes a SweepAxis message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.SweepAxis & skypilot_temporal.v1.SweepAxis.$Shape} SweepAxis
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.SweepAxis & skypilot_temporal.v1.SweepAxis.$Shape;

            /**
             * Verifies a SweepAxis message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SweepAxis message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SweepAxis
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.SweepAxis;

            /**
             * Creates a plain object from a SweepAxis message. Also converts values to other types if specified.
             * @param message SweepAxis
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.SweepAxis, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SweepAxis to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SweepAxis
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SweepAxis {

            /** Properties of a SweepAxis. */
            interface $Properties {

                /** SweepAxis name */
                name?: (string|null);

                /** SweepAxis values */
                values?: (string[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SweepAxis. */
            type $Shape = skypilot_temporal.v1.SweepAxis.$Properties;
        }

        /**
         * Properties of a BranchEnvs.
         * @deprecated Use skypilot_temporal.v1.BranchEnvs.$Properties instead.
         */
        interface IBranchEnvs extends skypilot_temporal.v1.BranchEnvs.$Properties {
        }

        /** Represents a BranchEnvs. */
        class BranchEnvs {

            /** Reflection-backed declarations are not constructable. Use BranchEnvs.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BranchEnvs envs. */
            envs: { [k: string]: string };

            /**
             * Creates a new BranchEnvs instance using the specified properties.
             * @param [properties] Properties to set
             * @returns BranchEnvs instance
             */
            static create(properties: skypilot_temporal.v1.BranchEnvs.$Shape): skypilot_temporal.v1.BranchEnvs & skypilot_temporal.v1.BranchEnvs.$Shape;
            static create(properties?: skypilot_temporal.v1.BranchEnvs.$Properties): skypilot_temporal.v1.BranchEnvs;

            /**
             * Encodes the specified BranchEnvs message. Does not implicitly {@link skypilot_temporal.v1.BranchEnvs.verify|verify} messages.
             * @param message BranchEnvs message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.BranchEnvs, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified BranchEnvs message, length delimited. Does not implicitly {@link skypilot_temporal.v1.BranchEnvs.verify|verify} messages.
             * @param message BranchEnvs message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.BranchEnvs, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a BranchEnvs message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.BranchEnvs & skypilot_temporal.v1.BranchEnvs.$Shape} BranchEnvs
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.BranchEnvs & skypilot_temporal.v1.BranchEnvs.$Shape;

            /**
             * Decodes a BranchEnvs message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.BranchEnvs & skypilot_temporal.v1.BranchEnvs.$Shape} BranchEnvs
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.BranchEnvs & skypilot_temporal.v1.BranchEnvs.$Shape;

            /**
             * Verifies a BranchEnvs message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a BranchEnvs message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns BranchEnvs
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.BranchEnvs;

            /**
             * Creates a plain object from a BranchEnvs message. Also converts values to other types if specified.
             * @param message BranchEnvs
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.BranchEnvs, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this BranchEnvs to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for BranchEnvs
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace BranchEnvs {

            /** Properties of a BranchEnvs. */
            interface $Properties {

                /** BranchEnvs envs */
                envs?: ({ [k: string]: string }|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BranchEnvs. */
            type $Shape = skypilot_temporal.v1.BranchEnvs.$Properties;
        }

        /**
         * Properties of a BranchFailurePolicy.
         * @deprecated Use skypilot_temporal.v1.BranchFailurePolicy.$Properties instead.
         */
        interface IBranchFailurePolicy extends skypilot_temporal.v1.BranchFailurePolicy.$Properties {
        }

        /** Represents a BranchFailurePolicy. */
        class BranchFailurePolicy {

            /** Reflection-backed declarations are not constructable. Use BranchFailurePolicy.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** BranchFailurePolicy mode. */
            mode: skypilot_temporal.v1.BranchFailureMode;

            /** BranchFailurePolicy minSucceeded. */
            minSucceeded: number;

            /** BranchFailurePolicy minSucceededFraction. */
            minSucceededFraction: number;

            /**
             * Creates a new BranchFailurePolicy instance using the specified properties.
             * @param [properties] Properties to set
             * @returns BranchFailurePolicy instance
             */
            static create(properties: skypilot_temporal.v1.BranchFailurePolicy.$Shape): skypilot_temporal.v1.BranchFailurePolicy & skypilot_temporal.v1.BranchFailurePolicy.$Shape;
            static create(properties?: skypilot_temporal.v1.BranchFailurePolicy.$Properties): skypilot_temporal.v1.BranchFailurePolicy;

            /**
             * Encodes the specified BranchFailurePolicy message. Does not implicitly {@link skypilot_temporal.v1.BranchFailurePolicy.verify|verify} messages.
             * @param message BranchFailurePolicy message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.BranchFailurePolicy, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified BranchFailurePolicy message, length delimited. Does not implicitly {@link skypilot_temporal.v1.BranchFailurePolicy.verify|verify} messages.
             * @param message BranchFailurePolicy message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.BranchFailurePolicy, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a BranchFailurePolicy message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.BranchFailurePolicy & skypilot_temporal.v1.BranchFailurePolicy.$Shape} BranchFailurePolicy
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.BranchFailurePolicy & skypilot_temporal.v1.BranchFailurePolicy.$Shape;

            /**
             * Decodes a BranchFailurePolicy message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.BranchFailurePolicy & skypilot_temporal.v1.BranchFailurePolicy.$Shape} BranchFailurePolicy
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.BranchFailurePolicy & skypilot_temporal.v1.BranchFailurePolicy.$Shape;

            /**
             * Verifies a BranchFailurePolicy message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a BranchFailurePolicy message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns BranchFailurePolicy
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.BranchFailurePolicy;

            /**
             * Creates a plain object from a BranchFailurePolicy message. Also converts values to other types if specified.
             * @param message BranchFailurePolicy
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.BranchFailurePolicy, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this BranchFailurePolicy to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for BranchFailurePolicy
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace BranchFailurePolicy {

            /** Properties of a BranchFailurePolicy. */
            interface $Properties {

                /** BranchFailurePolicy mode */
                mode?: (skypilot_temporal.v1.BranchFailureMode|null);

                /** BranchFailurePolicy minSucceeded */
                minSucceeded?: (number|null);

                /** BranchFailurePolicy minSucceededFraction */
                minSucceededFraction?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a BranchFailurePolicy. */
            type $Shape = skypilot_temporal.v1.BranchFailurePolicy.$Properties;
        }

        /**
         * Properties of a Select.
         * @deprecated Use skypilot_temporal.v1.Select.$Properties instead.
         */
        interface ISelect extends skypilot_temporal.v1.Select.$Properties {
        }

        /** Represents a Select. */
        class Select {

            /** Reflection-backed declarations are not constructable. Use Select.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Select metric. */
            metric: string;

            /** Select goal. */
            goal: skypilot_temporal.v1.SelectGoal;

            /** Select step. */
            step: string;

            /**
             * Creates a new Select instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Select instance
             */
            static create(properties: skypilot_temporal.v1.Select.$Shape): skypilot_temporal.v1.Select & skypilot_temporal.v1.Select.$Shape;
            static create(properties?: skypilot_temporal.v1.Select.$Properties): skypilot_temporal.v1.Select;

            /**
             * Encodes the specified Select message. Does not implicitly {@link skypilot_temporal.v1.Select.verify|verify} messages.
             * @param message Select message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.Select, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified Select message, length delimited. Does not implicitly {@link skypilot_temporal.v1.Select.verify|verify} messages.
             * @param message Select message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.Select, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Select message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.Select & skypilot_temporal.v1.Select.$Shape} Select
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.Select & skypilot_temporal.v1.Select.$Shape;

            /**
             * Decodes a Select message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.Select & skypilot_temporal.v1.Select.$Shape} Select
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.Select & skypilot_temporal.v1.Select.$Shape;

            /**
             * Verifies a Select message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a Select message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns Select
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.Select;

            /**
             * Creates a plain object from a Select message. Also converts values to other types if specified.
             * @param message Select
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.Select, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this Select to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for Select
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Select {

            /** Properties of a Select. */
            interface $Properties {

                /** Select metric */
                metric?: (string|null);

                /** Select goal */
                goal?: (skypilot_temporal.v1.SelectGoal|null);

                /** Select step */
                step?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Select. */
            type $Shape = skypilot_temporal.v1.Select.$Properties;
        }

        /**
         * Properties of a PipelineSpec.
         * @deprecated Use skypilot_temporal.v1.PipelineSpec.$Properties instead.
         */
        interface IPipelineSpec extends skypilot_temporal.v1.PipelineSpec.$Properties {
        }

        /** Represents a PipelineSpec. */
        class PipelineSpec {

            /** Reflection-backed declarations are not constructable. Use PipelineSpec.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** PipelineSpec steps. */
            steps: skypilot_temporal.v1.PipelineStep[];

            /**
             * Creates a new PipelineSpec instance using the specified properties.
             * @param [properties] Properties to set
             * @returns PipelineSpec instance
             */
            static create(properties: skypilot_temporal.v1.PipelineSpec.$Shape): skypilot_temporal.v1.PipelineSpec & skypilot_temporal.v1.PipelineSpec.$Shape;
            static create(properties?: skypilot_temporal.v1.PipelineSpec.$Properties): skypilot_temporal.v1.PipelineSpec;

            /**
             * Encodes the specified PipelineSpec message. Does not implicitly {@link skypilot_temporal.v1.PipelineSpec.verify|verify} messages.
             * @param message PipelineSpec message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.PipelineSpec, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified PipelineSpec message, length delimited. Does not implicitly {@link skypilot_temporal.v1.PipelineSpec.verify|verify} messages.
             * @param message PipelineSpec message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.PipelineSpec, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a PipelineSpec message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.PipelineSpec & skypilot_temporal.v1.PipelineSpec.$Shape} PipelineSpec
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.PipelineSpec & skypilot_temporal.v1.PipelineSpec.$Shape;

            /**
             * Decodes a PipelineSpec message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.PipelineSpec & skypilot_temporal.v1.PipelineSpec.$Shape} PipelineSpec
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.PipelineSpec & skypilot_temporal.v1.PipelineSpec.$Shape;

            /**
             * Verifies a PipelineSpec message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a PipelineSpec message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns PipelineSpec
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.PipelineSpec;

            /**
             * Creates a plain object from a PipelineSpec message. Also converts values to other types if specified.
             * @param message PipelineSpec
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.PipelineSpec, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this PipelineSpec to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for PipelineSpec
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace PipelineSpec {

            /** Properties of a PipelineSpec. */
            interface $Properties {

                /** PipelineSpec steps */
                steps?: (skypilot_temporal.v1.PipelineStep[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PipelineSpec. */
            type $Shape = skypilot_temporal.v1.PipelineSpec.$Properties;
        }

        /**
         * Properties of a LaunchOptions.
         * @deprecated Use skypilot_temporal.v1.LaunchOptions.$Properties instead.
         */
        interface ILaunchOptions extends skypilot_temporal.v1.LaunchOptions.$Properties {
        }

        /** Represents a LaunchOptions. */
        class LaunchOptions {

            /** Reflection-backed declarations are not constructable. Use LaunchOptions.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LaunchOptions idleMinutesToAutodown. */
            idleMinutesToAutodown: number;

            /** LaunchOptions retryUntilUp. */
            retryUntilUp: boolean;

            /** LaunchOptions teardownTimeoutSeconds. */
            teardownTimeoutSeconds: number;

            /** LaunchOptions provisionAhead. */
            provisionAhead: boolean;

            /** LaunchOptions waitForRepairMinutes. */
            waitForRepairMinutes: number;

            /**
             * Creates a new LaunchOptions instance using the specified properties.
             * @param [properties] Properties to set
             * @returns LaunchOptions instance
             */
            static create(properties: skypilot_temporal.v1.LaunchOptions.$Shape): skypilot_temporal.v1.LaunchOptions & skypilot_temporal.v1.LaunchOptions.$Shape;
            static create(properties?: skypilot_temporal.v1.LaunchOptions.$Properties): skypilot_temporal.v1.LaunchOptions;

            /**
             * Encodes the specified LaunchOptions message. Does not implicitly {@link skypilot_temporal.v1.LaunchOptions.verify|verify} messages.
             * @param message LaunchOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.LaunchOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified LaunchOptions message, length delimited. Does not implicitly {@link skypilot_temporal.v1.LaunchOptions.verify|verify} messages.
             * @param message LaunchOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.LaunchOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a LaunchOptions message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.LaunchOptions & skypilot_temporal.v1.LaunchOptions.$Shape} LaunchOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.LaunchOptions & skypilot_temporal.v1.LaunchOptions.$Shape;

            /**
             * Decodes a LaunchOptions message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.LaunchOptions & skypilot_temporal.v1.LaunchOptions.$Shape} LaunchOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.LaunchOptions & skypilot_temporal.v1.LaunchOptions.$Shape;

            /**
             * Verifies a LaunchOptions message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a LaunchOptions message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns LaunchOptions
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.LaunchOptions;

            /**
             * Creates a plain object from a LaunchOptions message. Also converts values to other types if specified.
             * @param message LaunchOptions
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.LaunchOptions, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this LaunchOptions to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for LaunchOptions
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace LaunchOptions {

            /** Properties of a LaunchOptions. */
            interface $Properties {

                /** LaunchOptions idleMinutesToAutodown */
                idleMinutesToAutodown?: (number|null);

                /** LaunchOptions retryUntilUp */
                retryUntilUp?: (boolean|null);

                /** LaunchOptions teardownTimeoutSeconds */
                teardownTimeoutSeconds?: (number|null);

                /** LaunchOptions provisionAhead */
                provisionAhead?: (boolean|null);

                /** LaunchOptions waitForRepairMinutes */
                waitForRepairMinutes?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LaunchOptions. */
            type $Shape = skypilot_temporal.v1.LaunchOptions.$Properties;
        }

        /**
         * Properties of a SkyPilotWorkflowInput.
         * @deprecated Use skypilot_temporal.v1.SkyPilotWorkflowInput.$Properties instead.
         */
        interface ISkyPilotWorkflowInput extends skypilot_temporal.v1.SkyPilotWorkflowInput.$Properties {
        }

        /** Represents a SkyPilotWorkflowInput. */
        class SkyPilotWorkflowInput {

            /** Reflection-backed declarations are not constructable. Use SkyPilotWorkflowInput.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SkyPilotWorkflowInput clusterPrefix. */
            clusterPrefix: string;

            /** SkyPilotWorkflowInput repoUrl. */
            repoUrl: string;

            /** SkyPilotWorkflowInput branch. */
            branch: string;

            /** SkyPilotWorkflowInput envsOverride. */
            envsOverride: { [k: string]: string };

            /** SkyPilotWorkflowInput secretEnvNames. */
            secretEnvNames: string[];

            /** SkyPilotWorkflowInput apiServerEndpoint. */
            apiServerEndpoint: string;

            /** SkyPilotWorkflowInput steps. */
            steps: skypilot_temporal.v1.PipelineStep[];

            /** SkyPilotWorkflowInput launch. */
            launch?: (skypilot_temporal.v1.LaunchOptions|null);

            /** SkyPilotWorkflowInput pipelineFile. */
            pipelineFile: string;

            /** SkyPilotWorkflowInput resumeFrom. */
            resumeFrom: string;

            /** SkyPilotWorkflowInput team. */
            team: string;

            /**
             * Creates a new SkyPilotWorkflowInput instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SkyPilotWorkflowInput instance
             */
            static create(properties: skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape): skypilot_temporal.v1.SkyPilotWorkflowInput & skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape;
            static create(properties?: skypilot_temporal.v1.SkyPilotWorkflowInput.$Properties): skypilot_temporal.v1.SkyPilotWorkflowInput;

            /**
             * Encodes the specified SkyPilotWorkflowInput message. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowInput.verify|verify} messages.
             * @param message SkyPilotWorkflowInput message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.SkyPilotWorkflowInput, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SkyPilotWorkflowInput message, length delimited. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowInput.verify|verify} messages.
             * @param message SkyPilotWorkflowInput message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.SkyPilotWorkflowInput, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SkyPilotWorkflowInput message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowInput & skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape} SkyPilotWorkflowInput
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.SkyPilotWorkflowInput & skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape;

            /**
             * Decodes a SkyPilotWorkflowInput message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowInput & skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape} SkyPilotWorkflowInput
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.SkyPilotWorkflowInput & skypilot_temporal.v1.SkyPilotWorkflowInput.$Shape;

            /**
             * Verifies a SkyPilotWorkflowInput message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SkyPilotWorkflowInput message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SkyPilotWorkflowInput
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.SkyPilotWorkflowInput;

            /**
             * Creates a plain object from a SkyPilotWorkflowInput message. Also converts values to other types if specified.
             * @param message SkyPilotWorkflowInput
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.SkyPilotWorkflowInput, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SkyPilotWorkflowInput to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SkyPilotWorkflowInput
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SkyPilotWorkflowInput {

            /** Properties of a SkyPilotWorkflowInput. */
            interface $Properties {

                /** SkyPilotWorkflowInput clusterPrefix */
                clusterPrefix?: (string|null);

                /** SkyPilotWorkflowInput repoUrl */
                repoUrl?: (string|null);

                /** SkyPilotWorkflowInput branch */
                branch?: (string|null);

                /** SkyPilotWorkflowInput envsOverride */
                envsOverride?: ({ [k: string]: string }|null);

                /** SkyPilotWorkflowInput secretEnvNames */
                secretEnvNames?: (string[]|null);

                /** SkyPilotWorkflowInput apiServerEndpoint */
                apiServerEndpoint?: (string|null);

                /** SkyPilotWorkflowInput steps */
                steps?: (skypilot_temporal.v1.PipelineStep[]|null);

                /** SkyPilotWorkflowInput launch */
                launch?: (skypilot_temporal.v1.LaunchOptions|null);

                /** SkyPilotWorkflowInput pipelineFile */
                pipelineFile?: (string|null);

                /** SkyPilotWorkflowInput resumeFrom */
                resumeFrom?: (string|null);

                /** SkyPilotWorkflowInput team */
                team?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SkyPilotWorkflowInput. */
            type $Shape = skypilot_temporal.v1.SkyPilotWorkflowInput.$Properties;
        }

        /**
         * Properties of a StepResult.
         * @deprecated Use skypilot_temporal.v1.StepResult.$Properties instead.
         */
        interface IStepResult extends skypilot_temporal.v1.StepResult.$Properties {
        }

        /** Represents a StepResult. */
        class StepResult {

            /** Reflection-backed declarations are not constructable. Use StepResult.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepResult name. */
            name: string;

            /** StepResult kind. */
            kind: skypilot_temporal.v1.StepKind;

            /** StepResult clusterName. */
            clusterName: string;

            /** StepResult jobId. */
            jobId: (number|Long);

            /** StepResult status. */
            status: string;

            /** StepResult durationSeconds. */
            durationSeconds: number;

            /** StepResult logTail. */
            logTail: string;

            /** StepResult branch. */
            branch: string;

            /** StepResult metrics. */
            metrics: { [k: string]: number };

            /** StepResult idleClusterSeconds. */
            idleClusterSeconds: number;

            /** StepResult approval. */
            approval?: (skypilot_temporal.v1.ApprovalRecord|null);

            /** StepResult repairs. */
            repairs: skypilot_temporal.v1.RepairRecord[];

            /** StepResult key. */
            key: string;

            /** StepResult reusedFrom. */
            reusedFrom: string;

            /** StepResult usdPerHour. */
            usdPerHour?: (number|null);

            /** StepResult costUsd. */
            costUsd?: (number|null);

            /** StepResult idleCostUsd. */
            idleCostUsd?: (number|null);

            /** StepResult recoveries. */
            recoveries: number;

            /** StepResult lastRecoveredAt. */
            lastRecoveredAt: string;

            /**
             * Creates a new StepResult instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StepResult instance
             */
            static create(properties: skypilot_temporal.v1.StepResult.$Shape): skypilot_temporal.v1.StepResult & skypilot_temporal.v1.StepResult.$Shape;
            static create(properties?: skypilot_temporal.v1.StepResult.$Properties): skypilot_temporal.v1.StepResult;

            /**
             * Encodes the specified StepResult message. Does not implicitly {@link skypilot_temporal.v1.StepResult.verify|verify} messages.
             * @param message StepResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.StepResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified StepResult message, length delimited. Does not implicitly {@link skypilot_temporal.v1.StepResult.verify|verify} messages.
             * @param message StepResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.StepResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.StepResult & skypilot_temporal.v1.StepResult.$Shape} StepResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.StepResult & skypilot_temporal.v1.StepResult.$Shape;

            /**
             * Decodes a StepResult message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.StepResult & skypilot_temporal.v1.StepResult.$Shape} StepResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.StepResult & skypilot_temporal.v1.StepResult.$Shape;

            /**
             * Verifies a StepResult message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a StepResult message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns StepResult
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.StepResult;

            /**
             * Creates a plain object from a StepResult message. Also converts values to other types if specified.
             * @param message StepResult
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.StepResult, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this StepResult to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for StepResult
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StepResult {

            /** Properties of a StepResult. */
            interface $Properties {

                /** StepResult name */
                name?: (string|null);

                /** StepResult kind */
                kind?: (skypilot_temporal.v1.StepKind|null);

                /** StepResult clusterName */
                clusterName?: (string|null);

                /** StepResult jobId */
                jobId?: (number|Long|null);

                /** StepResult status */
                status?: (string|null);

                /** StepResult durationSeconds */
                durationSeconds?: (number|null);

                /** StepResult logTail */
                logTail?: (string|null);

                /** StepResult branch */
                branch?: (string|null);

                /** StepResult metrics */
                metrics?: ({ [k: string]: number }|null);

                /** StepResult idleClusterSeconds */
                idleClusterSeconds?: (number|null);

                /** StepResult approval */
                approval?: (skypilot_temporal.v1.ApprovalRecord|null);

                /** StepResult repairs */
                repairs?: (skypilot_temporal.v1.RepairRecord[]|null);

                /** StepResult key */
                key?: (string|null);

                /** StepResult reusedFrom */
                reusedFrom?: (string|null);

                /** StepResult usdPerHour */
                usdPerHour?: (number|null);

                /** StepResult costUsd */
                costUsd?: (number|null);

                /** StepResult idleCostUsd */
                idleCostUsd?: (number|null);

                /** StepResult recoveries */
                recoveries?: (number|null);

                /** StepResult lastRecoveredAt */
                lastRecoveredAt?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepResult. */
            type $Shape = skypilot_temporal.v1.StepResult.$Properties;
        }

        /**
         * Properties of a RunCost.
         * @deprecated Use skypilot_temporal.v1.RunCost.$Properties instead.
         */
        interface IRunCost extends skypilot_temporal.v1.RunCost.$Properties {
        }

        /** Represents a RunCost. */
        class RunCost {

            /** Reflection-backed declarations are not constructable. Use RunCost.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RunCost runningUsd. */
            runningUsd?: (number|null);

            /** RunCost idleUsd. */
            idleUsd?: (number|null);

            /** RunCost reusedUsd. */
            reusedUsd?: (number|null);

            /** RunCost note. */
            note: string;

            /**
             * Creates a new RunCost instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RunCost instance
             */
            static create(properties: skypilot_temporal.v1.RunCost.$Shape): skypilot_temporal.v1.RunCost & skypilot_temporal.v1.RunCost.$Shape;
            static create(properties?: skypilot_temporal.v1.RunCost.$Properties): skypilot_temporal.v1.RunCost;

            /**
             * Encodes the specified RunCost message. Does not implicitly {@link skypilot_temporal.v1.RunCost.verify|verify} messages.
             * @param message RunCost message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RunCost, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RunCost message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RunCost.verify|verify} messages.
             * @param message RunCost message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RunCost, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RunCost message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RunCost & skypilot_temporal.v1.RunCost.$Shape} RunCost
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RunCost & skypilot_temporal.v1.RunCost.$Shape;

            /**
             * Decodes a RunCost message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RunCost & skypilot_temporal.v1.RunCost.$Shape} RunCost
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RunCost & skypilot_temporal.v1.RunCost.$Shape;

            /**
             * Verifies a RunCost message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RunCost message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RunCost
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RunCost;

            /**
             * Creates a plain object from a RunCost message. Also converts values to other types if specified.
             * @param message RunCost
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RunCost, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RunCost to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RunCost
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RunCost {

            /** Properties of a RunCost. */
            interface $Properties {

                /** RunCost runningUsd */
                runningUsd?: (number|null);

                /** RunCost idleUsd */
                idleUsd?: (number|null);

                /** RunCost reusedUsd */
                reusedUsd?: (number|null);

                /** RunCost note */
                note?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RunCost. */
            type $Shape = skypilot_temporal.v1.RunCost.$Properties;
        }

        /**
         * Properties of a RetryRequest.
         * @deprecated Use skypilot_temporal.v1.RetryRequest.$Properties instead.
         */
        interface IRetryRequest extends skypilot_temporal.v1.RetryRequest.$Properties {
        }

        /** Represents a RetryRequest. */
        class RetryRequest {

            /** Reflection-backed declarations are not constructable. Use RetryRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RetryRequest step. */
            step: string;

            /** RetryRequest commit. */
            commit: string;

            /** RetryRequest requester. */
            requester: string;

            /** RetryRequest branch. */
            branch: string;

            /**
             * Creates a new RetryRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RetryRequest instance
             */
            static create(properties: skypilot_temporal.v1.RetryRequest.$Shape): skypilot_temporal.v1.RetryRequest & skypilot_temporal.v1.RetryRequest.$Shape;
            static create(properties?: skypilot_temporal.v1.RetryRequest.$Properties): skypilot_temporal.v1.RetryRequest;

            /**
             * Encodes the specified RetryRequest message. Does not implicitly {@link skypilot_temporal.v1.RetryRequest.verify|verify} messages.
             * @param message RetryRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RetryRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RetryRequest message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RetryRequest.verify|verify} messages.
             * @param message RetryRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RetryRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RetryRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RetryRequest & skypilot_temporal.v1.RetryRequest.$Shape} RetryRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RetryRequest & skypilot_temporal.v1.RetryRequest.$Shape;

            /**
             * Decodes a RetryRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RetryRequest & skypilot_temporal.v1.RetryRequest.$Shape} RetryRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RetryRequest & skypilot_temporal.v1.RetryRequest.$Shape;

            /**
             * Verifies a RetryRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RetryRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RetryRequest
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RetryRequest;

            /**
             * Creates a plain object from a RetryRequest message. Also converts values to other types if specified.
             * @param message RetryRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RetryRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RetryRequest to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RetryRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RetryRequest {

            /** Properties of a RetryRequest. */
            interface $Properties {

                /** RetryRequest step */
                step?: (string|null);

                /** RetryRequest commit */
                commit?: (string|null);

                /** RetryRequest requester */
                requester?: (string|null);

                /** RetryRequest branch */
                branch?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RetryRequest. */
            type $Shape = skypilot_temporal.v1.RetryRequest.$Properties;
        }

        /**
         * Properties of an AbortRequest.
         * @deprecated Use skypilot_temporal.v1.AbortRequest.$Properties instead.
         */
        interface IAbortRequest extends skypilot_temporal.v1.AbortRequest.$Properties {
        }

        /** Represents an AbortRequest. */
        class AbortRequest {

            /** Reflection-backed declarations are not constructable. Use AbortRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** AbortRequest step. */
            step: string;

            /** AbortRequest reason. */
            reason: string;

            /** AbortRequest requester. */
            requester: string;

            /** AbortRequest branch. */
            branch: string;

            /**
             * Creates a new AbortRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns AbortRequest instance
             */
            static create(properties: skypilot_temporal.v1.AbortRequest.$Shape): skypilot_temporal.v1.AbortRequest & skypilot_temporal.v1.AbortRequest.$Shape;
            static create(properties?: skypilot_temporal.v1.AbortRequest.$Properties): skypilot_temporal.v1.AbortRequest;

            /**
             * Encodes the specified AbortRequest message. Does not implicitly {@link skypilot_temporal.v1.AbortRequest.verify|verify} messages.
             * @param message AbortRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.AbortRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified AbortRequest message, length delimited. Does not implicitly {@link skypilot_temporal.v1.AbortRequest.verify|verify} messages.
             * @param message AbortRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.AbortRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an AbortRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.AbortRequest & skypilot_temporal.v1.AbortRequest.$Shape} AbortRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.AbortRequest & skypilot_temporal.v1.AbortRequest.$Shape;

            /**
             * Decodes an AbortRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.AbortRequest & skypilot_temporal.v1.AbortRequest.$Shape} AbortRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.AbortRequest & skypilot_temporal.v1.AbortRequest.$Shape;

            /**
             * Verifies an AbortRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an AbortRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns AbortRequest
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.AbortRequest;

            /**
             * Creates a plain object from an AbortRequest message. Also converts values to other types if specified.
             * @param message AbortRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.AbortRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this AbortRequest to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for AbortRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace AbortRequest {

            /** Properties of an AbortRequest. */
            interface $Properties {

                /** AbortRequest step */
                step?: (string|null);

                /** AbortRequest reason */
                reason?: (string|null);

                /** AbortRequest requester */
                requester?: (string|null);

                /** AbortRequest branch */
                branch?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an AbortRequest. */
            type $Shape = skypilot_temporal.v1.AbortRequest.$Properties;
        }

        /**
         * Properties of a RepairRecord.
         * @deprecated Use skypilot_temporal.v1.RepairRecord.$Properties instead.
         */
        interface IRepairRecord extends skypilot_temporal.v1.RepairRecord.$Properties {
        }

        /** Represents a RepairRecord. */
        class RepairRecord {

            /** Reflection-backed declarations are not constructable. Use RepairRecord.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RepairRecord step. */
            step: string;

            /** RepairRecord action. */
            action: string;

            /** RepairRecord requester. */
            requester: string;

            /** RepairRecord commit. */
            commit: string;

            /** RepairRecord reason. */
            reason: string;

            /** RepairRecord decidedAt. */
            decidedAt: string;

            /** RepairRecord waitingSince. */
            waitingSince: string;

            /** RepairRecord failure. */
            failure: string;

            /** RepairRecord branch. */
            branch: string;

            /**
             * Creates a new RepairRecord instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RepairRecord instance
             */
            static create(properties: skypilot_temporal.v1.RepairRecord.$Shape): skypilot_temporal.v1.RepairRecord & skypilot_temporal.v1.RepairRecord.$Shape;
            static create(properties?: skypilot_temporal.v1.RepairRecord.$Properties): skypilot_temporal.v1.RepairRecord;

            /**
             * Encodes the specified RepairRecord message. Does not implicitly {@link skypilot_temporal.v1.RepairRecord.verify|verify} messages.
             * @param message RepairRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RepairRecord, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RepairRecord message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RepairRecord.verify|verify} messages.
             * @param message RepairRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RepairRecord, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RepairRecord message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RepairRecord & skypilot_temporal.v1.RepairRecord.$Shape} RepairRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RepairRecord & skypilot_temporal.v1.RepairRecord.$Shape;

            /**
             * Decodes a RepairRecord message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RepairRecord & skypilot_temporal.v1.RepairRecord.$Shape} RepairRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RepairRecord & skypilot_temporal.v1.RepairRecord.$Shape;

            /**
             * Verifies a RepairRecord message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RepairRecord message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RepairRecord
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RepairRecord;

            /**
             * Creates a plain object from a RepairRecord message. Also converts values to other types if specified.
             * @param message RepairRecord
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RepairRecord, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RepairRecord to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RepairRecord
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RepairRecord {

            /** Properties of a RepairRecord. */
            interface $Properties {

                /** RepairRecord step */
                step?: (string|null);

                /** RepairRecord action */
                action?: (string|null);

                /** RepairRecord requester */
                requester?: (string|null);

                /** RepairRecord commit */
                commit?: (string|null);

                /** RepairRecord reason */
                reason?: (string|null);

                /** RepairRecord decidedAt */
                decidedAt?: (string|null);

                /** RepairRecord waitingSince */
                waitingSince?: (string|null);

                /** RepairRecord failure */
                failure?: (string|null);

                /** RepairRecord branch */
                branch?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RepairRecord. */
            type $Shape = skypilot_temporal.v1.RepairRecord.$Properties;
        }

        /**
         * Properties of a RepairAnswer.
         * @deprecated Use skypilot_temporal.v1.RepairAnswer.$Properties instead.
         */
        interface IRepairAnswer extends skypilot_temporal.v1.RepairAnswer.$Properties {
        }

        /** Represents a RepairAnswer. */
        class RepairAnswer {

            /** Reflection-backed declarations are not constructable. Use RepairAnswer.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RepairAnswer repairs. */
            repairs: skypilot_temporal.v1.RepairRecord[];

            /**
             * Creates a new RepairAnswer instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RepairAnswer instance
             */
            static create(properties: skypilot_temporal.v1.RepairAnswer.$Shape): skypilot_temporal.v1.RepairAnswer & skypilot_temporal.v1.RepairAnswer.$Shape;
            static create(properties?: skypilot_temporal.v1.RepairAnswer.$Properties): skypilot_temporal.v1.RepairAnswer;

            /**
             * Encodes the specified RepairAnswer message. Does not implicitly {@link skypilot_temporal.v1.RepairAnswer.verify|verify} messages.
             * @param message RepairAnswer message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RepairAnswer, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RepairAnswer message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RepairAnswer.verify|verify} messages.
             * @param message RepairAnswer message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RepairAnswer, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RepairAnswer message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RepairAnswer & skypilot_temporal.v1.RepairAnswer.$Shape} RepairAnswer
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RepairAnswer & skypilot_temporal.v1.RepairAnswer.$Shape;

            /**
             * Decodes a RepairAnswer message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RepairAnswer & skypilot_temporal.v1.RepairAnswer.$Shape} RepairAnswer
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RepairAnswer & skypilot_temporal.v1.RepairAnswer.$Shape;

            /**
             * Verifies a RepairAnswer message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RepairAnswer message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RepairAnswer
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RepairAnswer;

            /**
             * Creates a plain object from a RepairAnswer message. Also converts values to other types if specified.
             * @param message RepairAnswer
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RepairAnswer, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RepairAnswer to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RepairAnswer
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RepairAnswer {

            /** Properties of a RepairAnswer. */
            interface $Properties {

                /** RepairAnswer repairs */
                repairs?: (skypilot_temporal.v1.RepairRecord[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RepairAnswer. */
            type $Shape = skypilot_temporal.v1.RepairAnswer.$Properties;
        }

        /**
         * Properties of an ApprovalDecision.
         * @deprecated Use skypilot_temporal.v1.ApprovalDecision.$Properties instead.
         */
        interface IApprovalDecision extends skypilot_temporal.v1.ApprovalDecision.$Properties {
        }

        /** Represents an ApprovalDecision. */
        class ApprovalDecision {

            /** Reflection-backed declarations are not constructable. Use ApprovalDecision.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ApprovalDecision gate. */
            gate: string;

            /** ApprovalDecision decision. */
            decision: string;

            /** ApprovalDecision approver. */
            approver: string;

            /** ApprovalDecision reason. */
            reason: string;

            /**
             * Creates a new ApprovalDecision instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ApprovalDecision instance
             */
            static create(properties: skypilot_temporal.v1.ApprovalDecision.$Shape): skypilot_temporal.v1.ApprovalDecision & skypilot_temporal.v1.ApprovalDecision.$Shape;
            static create(properties?: skypilot_temporal.v1.ApprovalDecision.$Properties): skypilot_temporal.v1.ApprovalDecision;

            /**
             * Encodes the specified ApprovalDecision message. Does not implicitly {@link skypilot_temporal.v1.ApprovalDecision.verify|verify} messages.
             * @param message ApprovalDecision message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.ApprovalDecision, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ApprovalDecision message, length delimited. Does not implicitly {@link skypilot_temporal.v1.ApprovalDecision.verify|verify} messages.
             * @param message ApprovalDecision message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.ApprovalDecision, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ApprovalDecision message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.ApprovalDecision & skypilot_temporal.v1.ApprovalDecision.$Shape} ApprovalDecision
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.ApprovalDecision & skypilot_temporal.v1.ApprovalDecision.$Shape;

            /**
             * Decodes an ApprovalDecision message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.ApprovalDecision & skypilot_temporal.v1.ApprovalDecision.$Shape} ApprovalDecision
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.ApprovalDecision & skypilot_temporal.v1.ApprovalDecision.$Shape;

            /**
             * Verifies an ApprovalDecision message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an ApprovalDecision message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns ApprovalDecision
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.ApprovalDecision;

            /**
             * Creates a plain object from an ApprovalDecision message. Also converts values to other types if specified.
             * @param message ApprovalDecision
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.ApprovalDecision, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ApprovalDecision to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ApprovalDecision
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ApprovalDecision {

            /** Properties of an ApprovalDecision. */
            interface $Properties {

                /** ApprovalDecision gate */
                gate?: (string|null);

                /** ApprovalDecision decision */
                decision?: (string|null);

                /** ApprovalDecision approver */
                approver?: (string|null);

                /** ApprovalDecision reason */
                reason?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ApprovalDecision. */
            type $Shape = skypilot_temporal.v1.ApprovalDecision.$Properties;
        }

        /**
         * Properties of an ApprovalRecord.
         * @deprecated Use skypilot_temporal.v1.ApprovalRecord.$Properties instead.
         */
        interface IApprovalRecord extends skypilot_temporal.v1.ApprovalRecord.$Properties {
        }

        /** Represents an ApprovalRecord. */
        class ApprovalRecord {

            /** Reflection-backed declarations are not constructable. Use ApprovalRecord.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ApprovalRecord gate. */
            gate: string;

            /** ApprovalRecord decision. */
            decision: string;

            /** ApprovalRecord approver. */
            approver: string;

            /** ApprovalRecord reason. */
            reason: string;

            /** ApprovalRecord decidedAt. */
            decidedAt: string;

            /** ApprovalRecord waitingSince. */
            waitingSince: string;

            /**
             * Creates a new ApprovalRecord instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ApprovalRecord instance
             */
            static create(properties: skypilot_temporal.v1.ApprovalRecord.$Shape): skypilot_temporal.v1.ApprovalRecord & skypilot_temporal.v1.ApprovalRecord.$Shape;
            static create(properties?: skypilot_temporal.v1.ApprovalRecord.$Properties): skypilot_temporal.v1.ApprovalRecord;

            /**
             * Encodes the specified ApprovalRecord message. Does not implicitly {@link skypilot_temporal.v1.ApprovalRecord.verify|verify} messages.
             * @param message ApprovalRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.ApprovalRecord, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified ApprovalRecord message, length delimited. Does not implicitly {@link skypilot_temporal.v1.ApprovalRecord.verify|verify} messages.
             * @param message ApprovalRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.ApprovalRecord, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ApprovalRecord message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.ApprovalRecord & skypilot_temporal.v1.ApprovalRecord.$Shape} ApprovalRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.ApprovalRecord & skypilot_temporal.v1.ApprovalRecord.$Shape;

            /**
             * Decodes an ApprovalRecord message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.ApprovalRecord & skypilot_temporal.v1.ApprovalRecord.$Shape} ApprovalRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.ApprovalRecord & skypilot_temporal.v1.ApprovalRecord.$Shape;

            /**
             * Verifies an ApprovalRecord message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an ApprovalRecord message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns ApprovalRecord
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.ApprovalRecord;

            /**
             * Creates a plain object from an ApprovalRecord message. Also converts values to other types if specified.
             * @param message ApprovalRecord
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.ApprovalRecord, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this ApprovalRecord to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for ApprovalRecord
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ApprovalRecord {

            /** Properties of an ApprovalRecord. */
            interface $Properties {

                /** ApprovalRecord gate */
                gate?: (string|null);

                /** ApprovalRecord decision */
                decision?: (string|null);

                /** ApprovalRecord approver */
                approver?: (string|null);

                /** ApprovalRecord reason */
                reason?: (string|null);

                /** ApprovalRecord decidedAt */
                decidedAt?: (string|null);

                /** ApprovalRecord waitingSince */
                waitingSince?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ApprovalRecord. */
            type $Shape = skypilot_temporal.v1.ApprovalRecord.$Properties;
        }

        /**
         * Properties of a SkyPilotWorkflowResult.
         * @deprecated Use skypilot_temporal.v1.SkyPilotWorkflowResult.$Properties instead.
         */
        interface ISkyPilotWorkflowResult extends skypilot_temporal.v1.SkyPilotWorkflowResult.$Properties {
        }

        /** Represents a SkyPilotWorkflowResult. */
        class SkyPilotWorkflowResult {

            /** Reflection-backed declarations are not constructable. Use SkyPilotWorkflowResult.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SkyPilotWorkflowResult steps. */
            steps: skypilot_temporal.v1.StepResult[];

            /** SkyPilotWorkflowResult clustersDowned. */
            clustersDowned: string[];

            /** SkyPilotWorkflowResult commit. */
            commit: string;

            /** SkyPilotWorkflowResult lines. */
            lines: string[];

            /** SkyPilotWorkflowResult cost. */
            cost?: (skypilot_temporal.v1.RunCost|null);

            /**
             * Creates a new SkyPilotWorkflowResult instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SkyPilotWorkflowResult instance
             */
            static create(properties: skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape): skypilot_temporal.v1.SkyPilotWorkflowResult & skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape;
            static create(properties?: skypilot_temporal.v1.SkyPilotWorkflowResult.$Properties): skypilot_temporal.v1.SkyPilotWorkflowResult;

            /**
             * Encodes the specified SkyPilotWorkflowResult message. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowResult.verify|verify} messages.
             * @param message SkyPilotWorkflowResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.SkyPilotWorkflowResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SkyPilotWorkflowResult message, length delimited. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowResult.verify|verify} messages.
             * @param message SkyPilotWorkflowResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.SkyPilotWorkflowResult, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SkyPilotWorkflowResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowResult & skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape} SkyPilotWorkflowResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.SkyPilotWorkflowResult & skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape;

            /**
             * Decodes a SkyPilotWorkflowResult message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowResult & skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape} SkyPilotWorkflowResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.SkyPilotWorkflowResult & skypilot_temporal.v1.SkyPilotWorkflowResult.$Shape;

            /**
             * Verifies a SkyPilotWorkflowResult message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SkyPilotWorkflowResult message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SkyPilotWorkflowResult
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.SkyPilotWorkflowResult;

            /**
             * Creates a plain object from a SkyPilotWorkflowResult message. Also converts values to other types if specified.
             * @param message SkyPilotWorkflowResult
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.SkyPilotWorkflowResult, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SkyPilotWorkflowResult to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SkyPilotWorkflowResult
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SkyPilotWorkflowResult {

            /** Properties of a SkyPilotWorkflowResult. */
            interface $Properties {

                /** SkyPilotWorkflowResult steps */
                steps?: (skypilot_temporal.v1.StepResult[]|null);

                /** SkyPilotWorkflowResult clustersDowned */
                clustersDowned?: (string[]|null);

                /** SkyPilotWorkflowResult commit */
                commit?: (string|null);

                /** SkyPilotWorkflowResult lines */
                lines?: (string[]|null);

                /** SkyPilotWorkflowResult cost */
                cost?: (skypilot_temporal.v1.RunCost|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SkyPilotWorkflowResult. */
            type $Shape = skypilot_temporal.v1.SkyPilotWorkflowResult.$Properties;
        }

        /**
         * Properties of a RunViewRequest.
         * @deprecated Use skypilot_temporal.v1.RunViewRequest.$Properties instead.
         */
        interface IRunViewRequest extends skypilot_temporal.v1.RunViewRequest.$Properties {
        }

        /** Represents a RunViewRequest. */
        class RunViewRequest {

            /** Reflection-backed declarations are not constructable. Use RunViewRequest.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RunViewRequest cursor. */
            cursor: string;

            /** RunViewRequest heartbeats. */
            heartbeats: string[];

            /** RunViewRequest starter. */
            starter: string;

            /**
             * Creates a new RunViewRequest instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RunViewRequest instance
             */
            static create(properties: skypilot_temporal.v1.RunViewRequest.$Shape): skypilot_temporal.v1.RunViewRequest & skypilot_temporal.v1.RunViewRequest.$Shape;
            static create(properties?: skypilot_temporal.v1.RunViewRequest.$Properties): skypilot_temporal.v1.RunViewRequest;

            /**
             * Encodes the specified RunViewRequest message. Does not implicitly {@link skypilot_temporal.v1.RunViewRequest.verify|verify} messages.
             * @param message RunViewRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RunViewRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RunViewRequest message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RunViewRequest.verify|verify} messages.
             * @param message RunViewRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RunViewRequest, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RunViewRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RunViewRequest & skypilot_temporal.v1.RunViewRequest.$Shape} RunViewRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RunViewRequest & skypilot_temporal.v1.RunViewRequest.$Shape;

            /**
             * Decodes a RunViewRequest message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RunViewRequest & skypilot_temporal.v1.RunViewRequest.$Shape} RunViewRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RunViewRequest & skypilot_temporal.v1.RunViewRequest.$Shape;

            /**
             * Verifies a RunViewRequest message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RunViewRequest message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RunViewRequest
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RunViewRequest;

            /**
             * Creates a plain object from a RunViewRequest message. Also converts values to other types if specified.
             * @param message RunViewRequest
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RunViewRequest, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RunViewRequest to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RunViewRequest
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RunViewRequest {

            /** Properties of a RunViewRequest. */
            interface $Properties {

                /** RunViewRequest cursor */
                cursor?: (string|null);

                /** RunViewRequest heartbeats */
                heartbeats?: (string[]|null);

                /** RunViewRequest starter */
                starter?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RunViewRequest. */
            type $Shape = skypilot_temporal.v1.RunViewRequest.$Properties;
        }

        /**
         * Properties of a RunView.
         * @deprecated Use skypilot_temporal.v1.RunView.$Properties instead.
         */
        interface IRunView extends skypilot_temporal.v1.RunView.$Properties {
        }

        /** Represents a RunView. */
        class RunView {

            /** Reflection-backed declarations are not constructable. Use RunView.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RunView lines. */
            lines: string[];

            /** RunView cursor. */
            cursor: string;

            /**
             * Creates a new RunView instance using the specified properties.
             * @param [properties] Properties to set
             * @returns RunView instance
             */
            static create(properties: skypilot_temporal.v1.RunView.$Shape): skypilot_temporal.v1.RunView & skypilot_temporal.v1.RunView.$Shape;
            static create(properties?: skypilot_temporal.v1.RunView.$Properties): skypilot_temporal.v1.RunView;

            /**
             * Encodes the specified RunView message. Does not implicitly {@link skypilot_temporal.v1.RunView.verify|verify} messages.
             * @param message RunView message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.RunView, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified RunView message, length delimited. Does not implicitly {@link skypilot_temporal.v1.RunView.verify|verify} messages.
             * @param message RunView message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.RunView, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RunView message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.RunView & skypilot_temporal.v1.RunView.$Shape} RunView
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.RunView & skypilot_temporal.v1.RunView.$Shape;

            /**
             * Decodes a RunView message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.RunView & skypilot_temporal.v1.RunView.$Shape} RunView
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.RunView & skypilot_temporal.v1.RunView.$Shape;

            /**
             * Verifies a RunView message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a RunView message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns RunView
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.RunView;

            /**
             * Creates a plain object from a RunView message. Also converts values to other types if specified.
             * @param message RunView
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.RunView, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this RunView to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for RunView
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace RunView {

            /** Properties of a RunView. */
            interface $Properties {

                /** RunView lines */
                lines?: (string[]|null);

                /** RunView cursor */
                cursor?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RunView. */
            type $Shape = skypilot_temporal.v1.RunView.$Properties;
        }

        /**
         * Properties of a SkyPilotWorkflowProgress.
         * @deprecated Use skypilot_temporal.v1.SkyPilotWorkflowProgress.$Properties instead.
         */
        interface ISkyPilotWorkflowProgress extends skypilot_temporal.v1.SkyPilotWorkflowProgress.$Properties {
        }

        /** Represents a SkyPilotWorkflowProgress. */
        class SkyPilotWorkflowProgress {

            /** Reflection-backed declarations are not constructable. Use SkyPilotWorkflowProgress.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** SkyPilotWorkflowProgress phase. */
            phase: string;

            /** SkyPilotWorkflowProgress currentStep. */
            currentStep: string;

            /** SkyPilotWorkflowProgress finished. */
            finished: skypilot_temporal.v1.StepResult[];

            /** SkyPilotWorkflowProgress clustersUp. */
            clustersUp: string[];

            /** SkyPilotWorkflowProgress stepsTotal. */
            stepsTotal: number;

            /** SkyPilotWorkflowProgress clusters. */
            clusters: string[];

            /** SkyPilotWorkflowProgress clustersLeft. */
            clustersLeft: string[];

            /** SkyPilotWorkflowProgress steps. */
            steps: skypilot_temporal.v1.StepProgress[];

            /** SkyPilotWorkflowProgress cost. */
            cost?: (skypilot_temporal.v1.RunCost|null);

            /** SkyPilotWorkflowProgress team. */
            team: string;

            /** SkyPilotWorkflowProgress limits. */
            limits: string[];

            /**
             * Creates a new SkyPilotWorkflowProgress instance using the specified properties.
             * @param [properties] Properties to set
             * @returns SkyPilotWorkflowProgress instance
             */
            static create(properties: skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape): skypilot_temporal.v1.SkyPilotWorkflowProgress & skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape;
            static create(properties?: skypilot_temporal.v1.SkyPilotWorkflowProgress.$Properties): skypilot_temporal.v1.SkyPilotWorkflowProgress;

            /**
             * Encodes the specified SkyPilotWorkflowProgress message. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowProgress.verify|verify} messages.
             * @param message SkyPilotWorkflowProgress message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.SkyPilotWorkflowProgress, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified SkyPilotWorkflowProgress message, length delimited. Does not implicitly {@link skypilot_temporal.v1.SkyPilotWorkflowProgress.verify|verify} messages.
             * @param message SkyPilotWorkflowProgress message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.SkyPilotWorkflowProgress, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a SkyPilotWorkflowProgress message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowProgress & skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape} SkyPilotWorkflowProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.SkyPilotWorkflowProgress & skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape;

            /**
             * Decodes a SkyPilotWorkflowProgress message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.SkyPilotWorkflowProgress & skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape} SkyPilotWorkflowProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.SkyPilotWorkflowProgress & skypilot_temporal.v1.SkyPilotWorkflowProgress.$Shape;

            /**
             * Verifies a SkyPilotWorkflowProgress message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a SkyPilotWorkflowProgress message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns SkyPilotWorkflowProgress
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.SkyPilotWorkflowProgress;

            /**
             * Creates a plain object from a SkyPilotWorkflowProgress message. Also converts values to other types if specified.
             * @param message SkyPilotWorkflowProgress
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.SkyPilotWorkflowProgress, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this SkyPilotWorkflowProgress to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for SkyPilotWorkflowProgress
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace SkyPilotWorkflowProgress {

            /** Properties of a SkyPilotWorkflowProgress. */
            interface $Properties {

                /** SkyPilotWorkflowProgress phase */
                phase?: (string|null);

                /** SkyPilotWorkflowProgress currentStep */
                currentStep?: (string|null);

                /** SkyPilotWorkflowProgress finished */
                finished?: (skypilot_temporal.v1.StepResult[]|null);

                /** SkyPilotWorkflowProgress clustersUp */
                clustersUp?: (string[]|null);

                /** SkyPilotWorkflowProgress stepsTotal */
                stepsTotal?: (number|null);

                /** SkyPilotWorkflowProgress clusters */
                clusters?: (string[]|null);

                /** SkyPilotWorkflowProgress clustersLeft */
                clustersLeft?: (string[]|null);

                /** SkyPilotWorkflowProgress steps */
                steps?: (skypilot_temporal.v1.StepProgress[]|null);

                /** SkyPilotWorkflowProgress cost */
                cost?: (skypilot_temporal.v1.RunCost|null);

                /** SkyPilotWorkflowProgress team */
                team?: (string|null);

                /** SkyPilotWorkflowProgress limits */
                limits?: (string[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SkyPilotWorkflowProgress. */
            type $Shape = skypilot_temporal.v1.SkyPilotWorkflowProgress.$Properties;
        }

        /**
         * Properties of a StepProgress.
         * @deprecated Use skypilot_temporal.v1.StepProgress.$Properties instead.
         */
        interface IStepProgress extends skypilot_temporal.v1.StepProgress.$Properties {
        }

        /** Represents a StepProgress. */
        class StepProgress {

            /** Reflection-backed declarations are not constructable. Use StepProgress.create(...) instead. */
            private constructor();

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepProgress name. */
            name: string;

            /** StepProgress branch. */
            branch: string;

            /** StepProgress state. */
            state: string;

            /** StepProgress clusterName. */
            clusterName: string;

            /** StepProgress metrics. */
            metrics: { [k: string]: number };

            /** StepProgress winner. */
            winner: boolean;

            /** StepProgress kind. */
            kind: skypilot_temporal.v1.StepKind;

            /** StepProgress waitingSince. */
            waitingSince: string;

            /** StepProgress deadline. */
            deadline: string;

            /** StepProgress approvers. */
            approvers: string[];

            /** StepProgress approval. */
            approval?: (skypilot_temporal.v1.ApprovalRecord|null);

            /** StepProgress failure. */
            failure: string;

            /** StepProgress clustersKept. */
            clustersKept: string[];

            /** StepProgress repairs. */
            repairs: skypilot_temporal.v1.RepairRecord[];

            /** StepProgress reusedFrom. */
            reusedFrom: string;

            /** StepProgress keptUsdPerHour. */
            keptUsdPerHour?: (number|null);

            /** StepProgress recoveries. */
            recoveries: number;

            /** StepProgress lastRecoveredAt. */
            lastRecoveredAt: string;

            /** StepProgress waitingForQuota. */
            waitingForQuota: string;

            /**
             * Creates a new StepProgress instance using the specified properties.
             * @param [properties] Properties to set
             * @returns StepProgress instance
             */
            static create(properties: skypilot_temporal.v1.StepProgress.$Shape): skypilot_temporal.v1.StepProgress & skypilot_temporal.v1.StepProgress.$Shape;
            static create(properties?: skypilot_temporal.v1.StepProgress.$Properties): skypilot_temporal.v1.StepProgress;

            /**
             * Encodes the specified StepProgress message. Does not implicitly {@link skypilot_temporal.v1.StepProgress.verify|verify} messages.
             * @param message StepProgress message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: skypilot_temporal.v1.StepProgress, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified StepProgress message, length delimited. Does not implicitly {@link skypilot_temporal.v1.StepProgress.verify|verify} messages.
             * @param message StepProgress message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: skypilot_temporal.v1.StepProgress, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepProgress message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {skypilot_temporal.v1.StepProgress & skypilot_temporal.v1.StepProgress.$Shape} StepProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): skypilot_temporal.v1.StepProgress & skypilot_temporal.v1.StepProgress.$Shape;

            /**
             * Decodes a StepProgress message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {skypilot_temporal.v1.StepProgress & skypilot_temporal.v1.StepProgress.$Shape} StepProgress
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): skypilot_temporal.v1.StepProgress & skypilot_temporal.v1.StepProgress.$Shape;

            /**
             * Verifies a StepProgress message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a StepProgress message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns StepProgress
             */
            static fromObject(object: { [k: string]: any }): skypilot_temporal.v1.StepProgress;

            /**
             * Creates a plain object from a StepProgress message. Also converts values to other types if specified.
             * @param message StepProgress
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: skypilot_temporal.v1.StepProgress, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this StepProgress to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for StepProgress
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace StepProgress {

            /** Properties of a StepProgress. */
            interface $Properties {

                /** StepProgress name */
                name?: (string|null);

                /** StepProgress branch */
                branch?: (string|null);

                /** StepProgress state */
                state?: (string|null);

                /** StepProgress clusterName */
                clusterName?: (string|null);

                /** StepProgress metrics */
                metrics?: ({ [k: string]: number }|null);

                /** StepProgress winner */
                winner?: (boolean|null);

                /** StepProgress kind */
                kind?: (skypilot_temporal.v1.StepKind|null);

                /** StepProgress waitingSince */
                waitingSince?: (string|null);

                /** StepProgress deadline */
                deadline?: (string|null);

                /** StepProgress approvers */
                approvers?: (string[]|null);

                /** StepProgress approval */
                approval?: (skypilot_temporal.v1.ApprovalRecord|null);

                /** StepProgress failure */
                failure?: (string|null);

                /** StepProgress clustersKept */
                clustersKept?: (string[]|null);

                /** StepProgress repairs */
                repairs?: (skypilot_temporal.v1.RepairRecord[]|null);

                /** StepProgress reusedFrom */
                reusedFrom?: (string|null);

                /** StepProgress keptUsdPerHour */
                keptUsdPerHour?: (number|null);

                /** StepProgress recoveries */
                recoveries?: (number|null);

                /** StepProgress lastRecoveredAt */
                lastRecoveredAt?: (string|null);

                /** StepProgress waitingForQuota */
                waitingForQuota?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepProgress. */
            type $Shape = skypilot_temporal.v1.StepProgress.$Properties;
        }
    }
}

/** Namespace google. */
export namespace google {

    /** Namespace protobuf. */
    namespace protobuf {

        /**
         * Properties of a FileOptions.
         * @deprecated Use google.protobuf.FileOptions.$Properties instead.
         */
        interface IFileOptions extends google.protobuf.FileOptions.$Properties {
        }

        /** Represents a FileOptions. */
        class FileOptions {

            /** Reflection-backed declarations are not constructable. Use FileOptions.create(...) instead. */
            private constructor();

            /** FileOptions .skypilot_temporal.v1.workflowType */
            ".skypilot_temporal.v1.workflowType": string;

            /** FileOptions .skypilot_temporal.v1.defaultTaskQueue */
            ".skypilot_temporal.v1.defaultTaskQueue": string;

            /** FileOptions .skypilot_temporal.v1.progressQuery */
            ".skypilot_temporal.v1.progressQuery": string;

            /** FileOptions .skypilot_temporal.v1.branchWorkflowType */
            ".skypilot_temporal.v1.branchWorkflowType": string;

            /** FileOptions .skypilot_temporal.v1.defaultPipelineFile */
            ".skypilot_temporal.v1.defaultPipelineFile": string;

            /** FileOptions .skypilot_temporal.v1.metricMarker */
            ".skypilot_temporal.v1.metricMarker": string;

            /** FileOptions .skypilot_temporal.v1.envNamePattern */
            ".skypilot_temporal.v1.envNamePattern": string;

            /** FileOptions .skypilot_temporal.v1.envNameMaxLength */
            ".skypilot_temporal.v1.envNameMaxLength": number;

            /** FileOptions .skypilot_temporal.v1.viewQuery */
            ".skypilot_temporal.v1.viewQuery": string;

            /** FileOptions .skypilot_temporal.v1.liveOutputKey */
            ".skypilot_temporal.v1.liveOutputKey": string;

            /** FileOptions .skypilot_temporal.v1.liveLinesMax */
            ".skypilot_temporal.v1.liveLinesMax": number;

            /** FileOptions .skypilot_temporal.v1.liveLineCharsMax */
            ".skypilot_temporal.v1.liveLineCharsMax": number;

            /** FileOptions .skypilot_temporal.v1.liveStepsMax */
            ".skypilot_temporal.v1.liveStepsMax": number;

            /** FileOptions .skypilot_temporal.v1.decideUpdate */
            ".skypilot_temporal.v1.decideUpdate": string;

            /** FileOptions .skypilot_temporal.v1.timeoutApprover */
            ".skypilot_temporal.v1.timeoutApprover": string;

            /** FileOptions .skypilot_temporal.v1.retryUpdate */
            ".skypilot_temporal.v1.retryUpdate": string;

            /** FileOptions .skypilot_temporal.v1.abortUpdate */
            ".skypilot_temporal.v1.abortUpdate": string;

            /** FileOptions .skypilot_temporal.v1.waitForRepairMaxMinutes */
            ".skypilot_temporal.v1.waitForRepairMaxMinutes": number;

            /** FileOptions .skypilot_temporal.v1.defaultTeam */
            ".skypilot_temporal.v1.defaultTeam": string;

            /** FileOptions .skypilot_temporal.v1.teamPattern */
            ".skypilot_temporal.v1.teamPattern": string;

            /** FileOptions .skypilot_temporal.v1.quotaWorkflowType */
            ".skypilot_temporal.v1.quotaWorkflowType": string;

            /** FileOptions .skypilot_temporal.v1.quotaWorkflowIdPrefix */
            ".skypilot_temporal.v1.quotaWorkflowIdPrefix": string;

            /** FileOptions .skypilot_temporal.v1.quotaQuery */
            ".skypilot_temporal.v1.quotaQuery": string;

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new FileOptions instance using the specified properties.
             * @param [properties] Properties to set
             * @returns FileOptions instance
             */
            static create(properties: google.protobuf.FileOptions.$Shape): google.protobuf.FileOptions & google.protobuf.FileOptions.$Shape;
            static create(properties?: google.protobuf.FileOptions.$Properties): google.protobuf.FileOptions;

            /**
             * Encodes the specified FileOptions message. Does not implicitly {@link google.protobuf.FileOptions.verify|verify} messages.
             * @param message FileOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: google.protobuf.FileOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified FileOptions message, length delimited. Does not implicitly {@link google.protobuf.FileOptions.verify|verify} messages.
             * @param message FileOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: google.protobuf.FileOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a FileOptions message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {google.protobuf.FileOptions & google.protobuf.FileOptions.$Shape} FileOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): google.protobuf.FileOptions & google.protobuf.FileOptions.$Shape;

            /**
             * Decodes a FileOptions message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {google.protobuf.FileOptions & google.protobuf.FileOptions.$Shape} FileOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): google.protobuf.FileOptions & google.protobuf.FileOptions.$Shape;

            /**
             * Verifies a FileOptions message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates a FileOptions message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns FileOptions
             */
            static fromObject(object: { [k: string]: any }): google.protobuf.FileOptions;

            /**
             * Creates a plain object from a FileOptions message. Also converts values to other types if specified.
             * @param message FileOptions
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: google.protobuf.FileOptions, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this FileOptions to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for FileOptions
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace FileOptions {

            /** Properties of a FileOptions. */
            interface $Properties {

                /** FileOptions .skypilot_temporal.v1.workflowType */
                ".skypilot_temporal.v1.workflowType"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.defaultTaskQueue */
                ".skypilot_temporal.v1.defaultTaskQueue"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.progressQuery */
                ".skypilot_temporal.v1.progressQuery"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.branchWorkflowType */
                ".skypilot_temporal.v1.branchWorkflowType"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.defaultPipelineFile */
                ".skypilot_temporal.v1.defaultPipelineFile"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.metricMarker */
                ".skypilot_temporal.v1.metricMarker"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.envNamePattern */
                ".skypilot_temporal.v1.envNamePattern"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.envNameMaxLength */
                ".skypilot_temporal.v1.envNameMaxLength"?: (number|null);

                /** FileOptions .skypilot_temporal.v1.viewQuery */
                ".skypilot_temporal.v1.viewQuery"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.liveOutputKey */
                ".skypilot_temporal.v1.liveOutputKey"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.liveLinesMax */
                ".skypilot_temporal.v1.liveLinesMax"?: (number|null);

                /** FileOptions .skypilot_temporal.v1.liveLineCharsMax */
                ".skypilot_temporal.v1.liveLineCharsMax"?: (number|null);

                /** FileOptions .skypilot_temporal.v1.liveStepsMax */
                ".skypilot_temporal.v1.liveStepsMax"?: (number|null);

                /** FileOptions .skypilot_temporal.v1.decideUpdate */
                ".skypilot_temporal.v1.decideUpdate"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.timeoutApprover */
                ".skypilot_temporal.v1.timeoutApprover"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.retryUpdate */
                ".skypilot_temporal.v1.retryUpdate"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.abortUpdate */
                ".skypilot_temporal.v1.abortUpdate"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.waitForRepairMaxMinutes */
                ".skypilot_temporal.v1.waitForRepairMaxMinutes"?: (number|null);

                /** FileOptions .skypilot_temporal.v1.defaultTeam */
                ".skypilot_temporal.v1.defaultTeam"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.teamPattern */
                ".skypilot_temporal.v1.teamPattern"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.quotaWorkflowType */
                ".skypilot_temporal.v1.quotaWorkflowType"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.quotaWorkflowIdPrefix */
                ".skypilot_temporal.v1.quotaWorkflowIdPrefix"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.quotaQuery */
                ".skypilot_temporal.v1.quotaQuery"?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a FileOptions. */
            type $Shape = google.protobuf.FileOptions.$Properties;
        }

        /**
         * Properties of an EnumValueOptions.
         * @deprecated Use google.protobuf.EnumValueOptions.$Properties instead.
         */
        interface IEnumValueOptions extends google.protobuf.EnumValueOptions.$Properties {
        }

        /** Represents an EnumValueOptions. */
        class EnumValueOptions {

            /** Reflection-backed declarations are not constructable. Use EnumValueOptions.create(...) instead. */
            private constructor();

            /** EnumValueOptions .skypilot_temporal.v1.wireName */
            ".skypilot_temporal.v1.wireName": string;

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Creates a new EnumValueOptions instance using the specified properties.
             * @param [properties] Properties to set
             * @returns EnumValueOptions instance
             */
            static create(properties: google.protobuf.EnumValueOptions.$Shape): google.protobuf.EnumValueOptions & google.protobuf.EnumValueOptions.$Shape;
            static create(properties?: google.protobuf.EnumValueOptions.$Properties): google.protobuf.EnumValueOptions;

            /**
             * Encodes the specified EnumValueOptions message. Does not implicitly {@link google.protobuf.EnumValueOptions.verify|verify} messages.
             * @param message EnumValueOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: google.protobuf.EnumValueOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Encodes the specified EnumValueOptions message, length delimited. Does not implicitly {@link google.protobuf.EnumValueOptions.verify|verify} messages.
             * @param message EnumValueOptions message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encodeDelimited(message: google.protobuf.EnumValueOptions, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an EnumValueOptions message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {google.protobuf.EnumValueOptions & google.protobuf.EnumValueOptions.$Shape} EnumValueOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): google.protobuf.EnumValueOptions & google.protobuf.EnumValueOptions.$Shape;

            /**
             * Decodes an EnumValueOptions message from the specified reader or buffer, length delimited.
             * @param reader Reader or buffer to decode from
             * @returns {google.protobuf.EnumValueOptions & google.protobuf.EnumValueOptions.$Shape} EnumValueOptions
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decodeDelimited(reader: ($protobuf.Reader|Uint8Array)): google.protobuf.EnumValueOptions & google.protobuf.EnumValueOptions.$Shape;

            /**
             * Verifies an EnumValueOptions message.
             * @param message Plain object to verify
             * @returns `null` if valid, otherwise the reason why it is not
             */
            static verify(message: { [k: string]: any }): (string|null);

            /**
             * Creates an EnumValueOptions message from a plain object. Also converts values to their respective internal types.
             * @param object Plain object
             * @returns EnumValueOptions
             */
            static fromObject(object: { [k: string]: any }): google.protobuf.EnumValueOptions;

            /**
             * Creates a plain object from an EnumValueOptions message. Also converts values to other types if specified.
             * @param message EnumValueOptions
             * @param [options] Conversion options
             * @returns Plain object
             */
            static toObject(message: google.protobuf.EnumValueOptions, options?: $protobuf.IConversionOptions): { [k: string]: any };

            /**
             * Converts this EnumValueOptions to JSON.
             * @returns JSON object
             */
            toJSON(): { [k: string]: any };

            /**
             * Gets the type url for EnumValueOptions
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace EnumValueOptions {

            /** Properties of an EnumValueOptions. */
            interface $Properties {

                /** EnumValueOptions .skypilot_temporal.v1.wireName */
                ".skypilot_temporal.v1.wireName"?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an EnumValueOptions. */
            type $Shape = google.protobuf.EnumValueOptions.$Properties;
        }
    }
}
