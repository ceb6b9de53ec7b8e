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
            STEP_KIND_EXEC = 2
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
            FAILURE_TYPE_SKYPILOT_UNAVAILABLE = 11
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
            RUN_PHASE_TEARDOWN_FAILED = 8
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

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a PipelineStep. */
            type $Shape = skypilot_temporal.v1.PipelineStep.$Properties;
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

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepResult. */
            type $Shape = skypilot_temporal.v1.StepResult.$Properties;
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

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SkyPilotWorkflowResult. */
            type $Shape = skypilot_temporal.v1.SkyPilotWorkflowResult.$Properties;
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

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a SkyPilotWorkflowProgress. */
            type $Shape = skypilot_temporal.v1.SkyPilotWorkflowProgress.$Properties;
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

            /** FileOptions .skypilot_temporal.v1.envNamePattern */
            ".skypilot_temporal.v1.envNamePattern": string;

            /** FileOptions .skypilot_temporal.v1.envNameMaxLength */
            ".skypilot_temporal.v1.envNameMaxLength": number;

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

                /** FileOptions .skypilot_temporal.v1.envNamePattern */
                ".skypilot_temporal.v1.envNamePattern"?: (string|null);

                /** FileOptions .skypilot_temporal.v1.envNameMaxLength */
                ".skypilot_temporal.v1.envNameMaxLength"?: (number|null);

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
