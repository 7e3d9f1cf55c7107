import Testing
@Test func placeholderMicroCloudTUITests() { #expect(Bool(true)) }
