namespace InferenceGateway.Contracts.Admin;

/// <summary>A page of a list: items, the page asked for and how many items exist in all.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);
