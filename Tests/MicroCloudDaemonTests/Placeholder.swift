import Testing
@Test func placeholderMicroCloudDaemonTests() { #expect(Bool(true)) }
