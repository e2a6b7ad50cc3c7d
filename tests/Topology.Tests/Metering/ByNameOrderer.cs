using Xunit.Abstractions;
using Xunit.Sdk;

namespace InferenceGateway.Topology.Tests.Metering;

/// <summary>
/// Runs a class's tests in the order of their method names, for tests that share one topology and where a later
/// test changes it (the quota tests: the replica test kills a control plane, so the fleet test runs first).
/// </summary>
public sealed class ByNameOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
