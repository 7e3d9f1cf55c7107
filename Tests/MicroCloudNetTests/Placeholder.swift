import Testing
@Test func placeholderMicroCloudNetTests() { #expect(Bool(true)) }
