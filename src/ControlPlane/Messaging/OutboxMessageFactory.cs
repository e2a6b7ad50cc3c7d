using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;

namespace InferenceGateway.ControlPlane.Messaging;

internal static class OutboxMessageFactory
{
    private static readonly string ContractsNamespace = typeof(ConfigRevisionPublished).Namespace!;

    public static OutboxMessage Create<T>(T message, Guid messageId, DateTimeOffset now)
        where T : class => new()
        {
            MessageId = messageId,
            MessageType = typeof(T).Name,
            Payload = JsonSerializer.Serialize(message, ContractJson.Options),
            CreatedAt = now,
        };

    /// <summary>The contract type an outbox row holds; only types of the contracts assembly are accepted.</summary>
    public static Type? ResolveType(string messageType) =>
        typeof(ConfigRevisionPublished).Assembly.GetType($"{ContractsNamespace}.{messageType}", throwOnError: false);
}
