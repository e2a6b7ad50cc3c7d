// End-to-end tests start real servers and measure propagation; running them one class at a time keeps the
// two cores for the system under test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
