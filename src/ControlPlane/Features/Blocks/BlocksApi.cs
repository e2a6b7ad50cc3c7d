using System.Net;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Blocks;

internal sealed record CreateBlockRequest(string? Target, string? Value, int? DurationSeconds, string? Reason);

internal sealed record BlockResponse(Guid Id, string Target, string Value, Guid? TenantId, string Reason, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LiftedAt, string CreatedBy)
{
    public static BlockResponse From(Block b) =>
        new(b.Id, b.Target.ToString().ToLowerInvariant(), b.Value, b.TenantId, b.Reason, b.CreatedAt, b.ExpiresAt, b.LiftedAt, b.CreatedBy);
}

/// <summary>
/// Temporary blocks: an operator cuts off a key, a client network or a whole tenant on every node within about a
/// second (a delta), until it expires or is lifted.
/// </summary>
internal static class BlocksApi
{
    public const int MaxDurationSeconds = 30 * 24 * 3600;

    public static RouteGroupBuilder MapBlocksApi(this RouteGroupBuilder api)
    {
        var blocks = api.MapGroup("/blocks").WithTags("Blocks");
        blocks.MapPost("/", CreateAsync).WithName("CreateBlock")
            .WithSummary("Block a key (its id), a client network (CIDR or address) or a tenant (its id) on every node for a while.");
        blocks.MapGet("/", ListAsync).WithName("ListBlocks").WithSummary("Blocks in force (or all, with ?all=true).");
        blocks.MapDelete("/{blockId:guid}", LiftAsync).WithName("LiftBlock").WithSummary("Lift a block in force before it expires; every node drops it within about a second.");
        return api;
    }

    private static async Task<Results<Created<BlockResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CreateBlockRequest request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        BlockTarget? target = request.Target?.ToLowerInvariant() switch
        {
            "key" => BlockTarget.Key,
            "network" => BlockTarget.Network,
            "tenant" => BlockTarget.Tenant,
            _ => null,
        };
        if (target is null)
        {
            errors.Add("target", "The target is 'key', 'network' or 'tenant'.");
        }

        var duration = request.DurationSeconds ?? 3600;
        if (duration is < 1 or > MaxDurationSeconds)
        {
            errors.Add("durationSeconds", $"The duration is from 1 to {MaxDurationSeconds} seconds (30 days).");
        }

        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500)
        {
            errors.Add("reason", "The reason is required and has at most 500 characters.");
        }

        string? value = null;
        Guid? tenantId = null;
        switch (target)
        {
            case BlockTarget.Key when Guid.TryParse(request.Value, out var keyId):
                tenantId = await db.ApiKeys.Where(k => k.Id == keyId).Select(k => (Guid?)k.TenantId).FirstOrDefaultAsync(ct);
                if (tenantId is null)
                {
                    errors.Add("value", "No API key with that id exists.");
                }

                value = keyId.ToString();
                break;
            case BlockTarget.Tenant when Guid.TryParse(request.Value, out var id):
                if (!await db.Tenants.AnyAsync(t => t.Id == id, ct))
                {
                    errors.Add("value", "No tenant with that id exists.");
                }

                tenantId = id;
                value = id.ToString();
                break;
            case BlockTarget.Network when IPNetwork.TryParse(request.Value ?? string.Empty, out var network):
                value = network.ToString();
                break;
            case BlockTarget.Network when IPAddress.TryParse(request.Value ?? string.Empty, out var address):
                value = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).ToString();
                break;
            case not null:
                errors.Add("value", target == BlockTarget.Network ? "The value is a network (CIDR) or an address." : "The value is an id.");
                break;
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var block = new Block
        {
            Id = Guid.CreateVersion7(),
            Target = target!.Value,
            Value = value!,
            TenantId = tenantId,
            Reason = reason!,
            CreatedAt = changes.Now,
            ExpiresAt = changes.Now.AddSeconds(duration),
            CreatedBy = changes.Actor,
        };
        db.Blocks.Add(block);
        changes.Audit(tenantId, "block.issued", $"block/{block.Id}", $"Blocked {block.Target.ToString().ToLowerInvariant()} {block.Value} for {duration} s: {block.Reason}");
        await changes.CommitAsync([new BlockIssued { Block = SnapshotMapper.Block(block) }], ct);
        return TypedResults.Created($"/api/v1/blocks/{block.Id}", BlockResponse.From(block));
    }

    private static async Task<Results<Ok<PagedList<BlockResponse>>, ValidationProblem>> ListAsync(ControlPlaneDbContext db, TimeProvider time, bool? all, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var now = time.GetUtcNow();
        var query = db.Blocks.AsNoTracking();
        if (all != true)
        {
            query = query.Where(b => b.LiftedAt == null && b.ExpiresAt > now);
        }

        return TypedResults.Ok(await query.OrderByDescending(b => b.CreatedAt).ThenBy(b => b.Id).ToPageAsync(page, pageSize, BlockResponse.From, ct));
    }

    private static async Task<Results<Ok<BlockResponse>, ProblemHttpResult>> LiftAsync(Guid blockId, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Blocks.FirstOrDefaultAsync(b => b.Id == blockId, ct) is not { } block)
        {
            return Problems.NotFound("block");
        }

        if (block.LiftedAt is not null || block.ExpiresAt <= changes.Now)
        {
            return Problems.Conflict("The block is no longer in force.");
        }

        block.LiftedAt = changes.Now;
        changes.Audit(block.TenantId, "block.lifted", $"block/{block.Id}", $"Lifted the block on {block.Target.ToString().ToLowerInvariant()} {block.Value}.");
        await changes.CommitAsync([new BlockLifted { BlockId = block.Id }], ct);
        return TypedResults.Ok(BlockResponse.From(block));
    }
}
