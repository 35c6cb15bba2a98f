import Crypto
import Foundation
import GalleryCore

enum KeyedHash {
    static func hex(key: [UInt8], message: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key))
        return String(Data(code).hexString.prefix(32))
    }
}
