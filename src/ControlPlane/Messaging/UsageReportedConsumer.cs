using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Features.Usage;
using MassTransit;

namespace InferenceGateway.ControlPlane.Messaging;

/// <summary>Puts each node's usage batch into the ledger, once (see <see cref="UsageLedger"/>).</summary>
internal sealed class UsageReportedConsumer(UsageLedger ledger) : IConsumer<UsageReported>
{
    public Task Consume(ConsumeContext<UsageReported> context) => ledger.ApplyAsync(context.Message, context.CancellationToken);
}
