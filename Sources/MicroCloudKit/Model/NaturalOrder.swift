/// "micro2" before "micro10": runs of digits compare by value, everything else character by character.
/// Tables and plans sort members this way, like lxc does.
public func naturalLess(_ a: String, _ b: String) -> Bool {
    naturalCompare(a, b) < 0
}

/// -1, 0 or 1.
public func naturalCompare(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    var i = 0, j = 0
    while i < x.count && j < y.count {
        if isDigit(x[i]) && isDigit(y[j]) {
            var ei = i, ej = j
            while ei < x.count && isDigit(x[ei]) { ei += 1 }
            while ej < y.count && isDigit(y[ej]) { ej += 1 }
            let da = String(String.UnicodeScalarView(x[i..<ei])).drop { $0 == "0" }
            let db = String(String.UnicodeScalarView(y[j..<ej])).drop { $0 == "0" }
            if da.count != db.count { return da.count < db.count ? -1 : 1 }
            if da != db { return da < db ? -1 : 1 }
            i = ei
            j = ej
        } else {
            if x[i] != y[j] { return x[i].value < y[j].value ? -1 : 1 }
            i += 1
            j += 1
        }
    }
    if x.count - i == y.count - j { return a == b ? 0 : (a < b ? -1 : 1) }
    return (x.count - i) < (y.count - j) ? -1 : 1
}

private func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
