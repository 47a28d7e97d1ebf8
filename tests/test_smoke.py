def test_login_then_my_events(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/manage/events").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 422
    assert "do not match" in response.get_data(as_text=True)
