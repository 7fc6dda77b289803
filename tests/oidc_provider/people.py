"""Who the test provider knows, and the client it registered for aisc."""

CLIENT_ID = "aisc-test"
CLIENT_SECRET = "aisc-test-client-secret"
PASSWORD = "harbour-id-password"
# (username, e-mail, first name, last name, whether the provider verified the address)
PEOPLE = [
    ("ada", "ada@harbour.edu.hk", "Ada", "Lovelace", True),
    ("eve", "eve@harbour.edu.hk", "Eve", "Unverified", False),
    ("ron", "ron@ridge.example", "Ron", "Ridge", True),
]
