#!/usr/bin/python3
"""Calls howlerops-server's gRPC API (port 9090) with nothing but server reflection.

No .proto files and no generated code: the service and message descriptors come from the
server (grpc.reflection.v1alpha), requests are written as JSON, answers printed as JSON.
Needs Debian's python3-grpcio and python3-protobuf; run it with /usr/bin/python3 (a pyenv
`python3` on PATH does not see Debian's packages).

  scripts/grpc_example.py list
  scripts/grpc_example.py describe howlerops.v1.AuthService
  scripts/grpc_example.py call howlerops.v1.AuthService/Login '{"username": "ada", "password": "..."}'
  scripts/grpc_example.py call howlerops.v1.AuthService/GetProfile '{}' --token ACCESS_TOKEN
  scripts/grpc_example.py demo      # signup, profile, sessions, logout with a throwaway account

--target HOST:PORT picks the server (default 127.0.0.1:9090). A failed call prints its
status code, message and trailing metadata (error-code, retry-after) and exits 1.
"""
import argparse
import json
import sys
import time
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format

# The messages of grpc/reflection/v1alpha/reflection.proto that this client uses (Debian
# ships no Python reflection module), as a descriptor in text form.
REFLECTION_PROTO = """
name: "grpc/reflection/v1alpha/reflection.proto" package: "grpc.reflection.v1alpha" syntax: "proto3"
message_type { name: "ServerReflectionRequest"
  field { name: "host" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
  field { name: "file_by_filename" number: 3 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 }
  field { name: "file_containing_symbol" number: 4 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 }
  field { name: "list_services" number: 7 label: LABEL_OPTIONAL type: TYPE_STRING oneof_index: 0 }
  oneof_decl { name: "message_request" } }
message_type { name: "ServerReflectionResponse"
  field { name: "valid_host" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING }
  field { name: "file_descriptor_response" number: 4 label: LABEL_OPTIONAL type: TYPE_MESSAGE
          type_name: ".grpc.reflection.v1alpha.FileDescriptorResponse" oneof_index: 0 }
  field { name: "list_services_response" number: 6 label: LABEL_OPTIONAL type: TYPE_MESSAGE
          type_name: ".grpc.reflection.v1alpha.ListServiceResponse" oneof_index: 0 }
  field { name: "error_response" number: 7 label: LABEL_OPTIONAL type: TYPE_MESSAGE
          type_name: ".grpc.reflection.v1alpha.ErrorResponse" oneof_index: 0 }
  oneof_decl { name: "message_response" } }
message_type { name: "FileDescriptorResponse"
  field { name: "file_descriptor_proto" number: 1 label: LABEL_REPEATED type: TYPE_BYTES } }
message_type { name: "ListServiceResponse"
  field { name: "service" number: 1 label: LABEL_REPEATED type: TYPE_MESSAGE
          type_name: ".grpc.reflection.v1alpha.ServiceResponse" } }
message_type { name: "ServiceResponse"
  field { name: "name" number: 1 label: LABEL_OPTIONAL type: TYPE_STRING } }
message_type { name: "ErrorResponse"
  field { name: "error_code" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 }
  field { name: "error_message" number: 2 label: LABEL_OPTIONAL type: TYPE_STRING } }
"""
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


def message_class(pool, full_name):
    """The Python class of a message type in `pool` (protobuf 3.20 to 4.x)."""
    descriptor = pool.FindMessageTypeByName(full_name)
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


class Reflection:
    """Asks the server for its services and their descriptors."""

    def __init__(self, channel):
        own = descriptor_pool.DescriptorPool()
        own.Add(text_format.Parse(REFLECTION_PROTO, descriptor_pb2.FileDescriptorProto()))
        self.request = message_class(own, "grpc.reflection.v1alpha.ServerReflectionRequest")
        response = message_class(own, "grpc.reflection.v1alpha.ServerReflectionResponse")
        self.stream = channel.stream_stream(
            REFLECTION_METHOD,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response.FromString)
        self.pool = descriptor_pool.DescriptorPool()  # the server's files, filled on demand
        self.loaded = set()

    def ask(self, **request):
        answer = next(iter(self.stream(iter([self.request(**request)]), timeout=10)))
        if answer.HasField("error_response"):
            sys.exit("reflection: " + answer.error_response.error_message)
        return answer

    def services(self):
        return [s.name for s in self.ask(list_services="*").list_services_response.service]

    def load(self, symbol):
        """Adds the file defining `symbol` and its imports to the pool, imports first."""
        answer = self.ask(file_containing_symbol=symbol)
        files = {}
        for blob in answer.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(blob)
            files[proto.name] = proto
        for _ in range(len(files)):  # bounded: each round adds at least one file
            ready = [f for f in files.values()
                     if f.name not in self.loaded and all(d in self.loaded for d in f.dependency)]
            for proto in ready:
                self.pool.Add(proto)
                self.loaded.add(proto.name)
        return self.pool.FindServiceByName(symbol.rsplit("/", 1)[0])


def as_dict(message):
    """The message as the HTTP API's JSON: field names as in the proto, defaults included."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                     including_default_value_fields=True)


def print_json(message):
    print(json.dumps(as_dict(message), indent=2))


def call(channel, reflection, method, request_json, token=""):
    """Calls `package.Service/Method` with a JSON request, prints the answer and returns it
    as a dict. A failed call raises grpc.RpcError."""
    service_name, method_name = method.rsplit("/", 1)
    service = reflection.load(service_name)
    m = service.methods_by_name[method_name]
    request_class = message_class(reflection.pool, m.input_type.full_name)
    response_class = message_class(reflection.pool, m.output_type.full_name)
    stub = channel.unary_unary("/%s/%s" % (service_name, method_name),
                               request_serializer=lambda r: r.SerializeToString(),
                               response_deserializer=response_class.FromString)
    request = json_format.ParseDict(json.loads(request_json or "{}"), request_class())
    metadata = [("x-request-id", "example-" + uuid.uuid4().hex[:12])]
    if token:
        metadata.append(("authorization", "Bearer " + token))
    response, rpc = stub.with_call(request, metadata=metadata, timeout=10)  # grpc.RpcError
    request_id = dict(rpc.initial_metadata()).get("x-request-id")
    print("%s (x-request-id %s):" % (method, request_id))
    print_json(response)
    return as_dict(response)


def describe_error(method, e):
    trailers = dict(e.trailing_metadata() or ())
    return "%s failed: %s %r %s" % (method, e.code().name, e.details(), trailers)


def demo(channel, reflection):
    auth = "howlerops.v1.AuthService/"
    name = "demo_%d" % int(time.time() * 1000)
    pair = call(channel, reflection, auth + "Signup", json.dumps(
        {"username": name, "email": name + "@example.com", "password": "a demo passphrase"}))
    token = pair["token"]
    call(channel, reflection, auth + "GetProfile", "{}", token)
    call(channel, reflection, auth + "ListSessions", "{}", token)
    call(channel, reflection, auth + "Logout", "{}", token)
    try:
        call(channel, reflection, auth + "GetProfile", "{}", token)
        sys.exit("GetProfile still answered after Logout")
    except grpc.RpcError as e:
        print("as expected after Logout, " + describe_error(auth + "GetProfile", e))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", default="127.0.0.1:9090")
    parser.add_argument("--token", default="", help="access token for authenticated methods")
    parser.add_argument("command", choices=["list", "describe", "call", "demo"])
    parser.add_argument("args", nargs="*")
    a = parser.parse_args()
    with grpc.insecure_channel(a.target) as channel:
        reflection = Reflection(channel)
        if a.command == "list":
            print("\n".join(reflection.services()))
        elif a.command == "describe":
            service = reflection.load(a.args[0])
            for m in service.methods:
                print("%s(%s) returns (%s)" % (m.name, m.input_type.full_name,
                                               m.output_type.full_name))
        elif a.command == "call":
            try:
                call(channel, reflection, a.args[0], a.args[1] if len(a.args) > 1 else "{}",
                     a.token)
            except grpc.RpcError as e:
                sys.exit(describe_error(a.args[0], e))
        else:
            demo(channel, reflection)


if __name__ == "__main__":
    main()
