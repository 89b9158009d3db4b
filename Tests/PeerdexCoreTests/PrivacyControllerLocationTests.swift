import Testing

import PeerdexCore

@Suite struct PrivacyControllerLocationTests {
    @Test(arguments: [
        ("Street 1, Lyon, France", "Lyon, France"),
        ("12 Rue Mercière, 69002 Lyon, France", "Lyon, France"),
        ("Lyon, France", "Lyon, France"),
        ("Lyon", "Lyon"),
        ("", ""),
        ("   ", ""),
        (",,, ,", ""),
        (",Lyon,", "Lyon"),
        ("  Lyon ,\tFrance  ", "Lyon, France"),
        ("Lyon, 69002", "Lyon"),
        ("Flat 4B, 221B Baker Street, London, UK", "London, UK"),
        ("Rue Mercière 12", "Rue Mercière"),
        ("Saint   Étienne,  Loire", "Saint Étienne, Loire"),
        ("中国，北京市，海淀区", "北京市, 海淀区"),
        ("一宮市", "一宮市"),
        ("千代田区1-1", ""),
        ("القاهرة، مصر", "القاهرة, مصر"),
        ("Paris ٧٥٠٠١", "Paris"),
        ("Tokyo １２３", "Tokyo"),
    ])
    func theGeneralLocationKeepsTheLastTwoPartsWithoutNumbers(input: String, expected: String) {
        #expect(PrivacyController.generalLocation(of: input) == expected)
    }

    @Test func theGeneralLocationIsStable() {
        for input in ["12 Rue Mercière, 69002 Lyon, France", "Lyon", "a, b, c, d", "中国，北京市，海淀区"] {
            let once = PrivacyController.generalLocation(of: input)
            #expect(PrivacyController.generalLocation(of: once) == once)
        }
    }
}
