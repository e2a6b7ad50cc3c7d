using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Infrastructure;

internal static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxPage = 1_000_000;

    public static void Validate(int? page, int? pageSize, ValidationErrors errors)
    {
        if (page is < 1 or > MaxPage)
        {
            errors.Add("page", $"The page number is from 1 to {MaxPage}.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"The page size must be between 1 and {MaxPageSize}.");
        }
    }

    public static async Task<PagedList<TOut>> ToPageAsync<TIn, TOut>(
        this IQueryable<TIn> query, int? page, int? pageSize, Func<TIn, TOut> map, CancellationToken cancellationToken)
    {
        var p = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        var total = await query.CountAsync(cancellationToken);
        var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new PagedList<TOut>(items.Select(map).ToList(), p, size, total);
    }
}
