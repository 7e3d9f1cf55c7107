import Testing
@Test func placeholderMicroCloudKitTests() { #expect(Bool(true)) }
