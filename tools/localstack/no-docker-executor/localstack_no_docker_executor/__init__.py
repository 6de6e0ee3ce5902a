"""A LocalStack Lambda runtime executor that needs no Docker engine.

LocalStack's community edition ships only the `docker` executor, whose prepare_version downloads the
lambda-runtime-init binary from GitHub and pulls the runtime image, so CreateFunction ends in state Failed
on a host without Docker. Selected with LAMBDA_RUNTIME_EXECUTOR=no-docker, this executor accepts every
function version (CreateFunction, UpdateFunctionCode and CloudFormation deploys succeed, state Active)
and fails every invocation with a clear error.
"""

from plux import Plugin

from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

_NO_INVOKE = "Lambda invocation needs Docker; this LocalStack runs with LAMBDA_RUNTIME_EXECUTOR=no-docker"


class NoDockerRuntimeExecutor(RuntimeExecutor):
    def start(self, env_vars: dict[str, str]) -> None:
        raise LambdaRuntimeException(_NO_INVOKE)

    def stop(self) -> None:
        pass

    def get_address(self) -> str:
        raise LambdaRuntimeException(_NO_INVOKE)

    def get_endpoint_from_executor(self) -> str:
        raise LambdaRuntimeException(_NO_INVOKE)

    def get_runtime_endpoint(self) -> str:
        raise LambdaRuntimeException(_NO_INVOKE)

    def invoke(self, payload: dict[str, str]):
        raise LambdaRuntimeException(_NO_INVOKE)

    def get_logs(self) -> str:
        return ""

    @classmethod
    def prepare_version(cls, function_version) -> None:
        pass

    @classmethod
    def cleanup_version(cls, function_version) -> None:
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        return True


class NoDockerRuntimeExecutorPlugin(Plugin):
    namespace = "localstack.lambda.runtime_executor"
    name = "no-docker"

    def load(self, *args, **kwargs):
        return NoDockerRuntimeExecutor
