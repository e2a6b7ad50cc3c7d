// Each test class starts a broker, a control plane and three nodes as processes; one class at a time keeps the
// two cores for the system under test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
